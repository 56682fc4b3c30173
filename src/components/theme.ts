import { createTheme, darken, type CSSVariablesResolver, type MantineColorsTuple } from "@mantine/core";

// Fonts come from the operating system: Quarry runs air-gapped, so nothing is fetched.
const systemSans =
  "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', 'Noto Sans', 'Liberation Sans', Arial, sans-serif, 'Apple Color Emoji', 'Segoe UI Emoji'";
const systemMono =
  "ui-monospace, SFMono-Regular, 'SF Mono', Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace";

// A slate-teal, the colour of cut stone: calm enough for a tool people stare at all day.
const quarry: MantineColorsTuple = [
  "#e6fbf8",
  "#d5f2ee",
  "#ace3dc",
  "#7fd3c9",
  "#5ac6b9",
  "#42beaf",
  "#32baab",
  "#21a395",
  "#109184",
  "#007e72",
];

export const theme = createTheme({
  primaryColor: "quarry",
  // WCAG AA for filled buttons, tabs and badges: white on shade 9 is 5.0:1 in both schemes.
  // (Mantine decides a filled control's text colour once, not per scheme, so a lighter
  // dark shade got white text on it too: 2.4:1 on shade 6.)
  primaryShade: { light: 9, dark: 9 },
  autoContrast: true,
  luminanceThreshold: 0.3,
  colors: { quarry },
  fontFamily: systemSans,
  fontFamilyMonospace: systemMono,
  headings: { fontFamily: systemSans, fontWeight: "650" },
  defaultRadius: "md",
  cursorType: "pointer",
});

export const DEFAULT_COLOR_SCHEME = "auto" as const;

/**
 * WCAG AA (4.5:1) for small text: Mantine's dimmed grey is 3.3:1 on white and the
 * primary colour's light-variant text (active nav link, light badges) 4.2:1 on its tint.
 */
export const cssVariablesResolver: CSSVariablesResolver = (resolved) => ({
  variables: {},
  light: {
    // Light variants (badges, nav links, light buttons): text a quarter darker than shade 9.
    ...Object.fromEntries(
      Object.entries(resolved.colors)
        .filter(([name]) => name !== "dark")
        .map(([name, shades]) => [`--mantine-color-${name}-light-color`, darken(shades[9], 0.25)]),
    ),
    "--mantine-color-dimmed": "#5f666d",
    "--mantine-primary-color-light-color": "#00665c",
    "--mantine-color-anchor": "#00665c",
  },
  dark: {
    "--mantine-color-dimmed": "#a6a7ab",
  },
});
