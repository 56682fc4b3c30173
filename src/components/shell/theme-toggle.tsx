"use client";
import { ActionIcon, Tooltip, useComputedColorScheme, useMantineColorScheme } from "@mantine/core";
import { IconMoon, IconSun } from "@tabler/icons-react";

/** Mantine persists the choice in localStorage and applies it before paint on the next visit. */
export function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme("light", { getInitialValueInEffect: true });
  const next = computed === "dark" ? "light" : "dark";
  return (
    <Tooltip label={`Switch to ${next} mode`} withArrow>
      <ActionIcon
        variant="default"
        size="lg"
        radius="md"
        aria-label="Toggle color scheme"
        data-testid="theme-toggle"
        onClick={() => setColorScheme(next)}
      >
        {/* Both icons render and CSS picks one, so server and client markup agree. */}
        <IconSun size={18} stroke={1.7} className="mantine-light-hidden" />
        <IconMoon size={18} stroke={1.7} className="mantine-dark-hidden" />
      </ActionIcon>
    </Tooltip>
  );
}
