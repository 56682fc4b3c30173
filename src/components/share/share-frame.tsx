import { Box, Container, Group } from "@mantine/core";
import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "@/components/shell/logo";
import { ThemeToggle } from "@/components/shell/theme-toggle";
import classes from "./share.module.css";

/** The public page's frame: no navigation, nothing that needs an account. */
export function ShareFrame({ children }: { children: ReactNode }) {
  return (
    <Box className={classes.page}>
      <header className={classes.header}>
        <Container size="xl" h="100%">
          <Group h="100%" justify="space-between" wrap="nowrap">
            <Link href="/" aria-label="Quarry" style={{ color: "inherit", textDecoration: "none" }}>
              <Logo />
            </Link>
            <ThemeToggle />
          </Group>
        </Container>
      </header>
      <Container size="xl" py="lg" component="main">
        {children}
      </Container>
    </Box>
  );
}
