/** Shortcut labels as the user's keyboard shows them. */
export function isMac(): boolean {
  return typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}

/** `Mod+Shift+F` as keys: ["Ctrl", "Shift", "F"], or ["⌘", "⇧", "F"] on a Mac. */
export function keyLabels(keys: string): string[] {
  const mac = isMac();
  return keys
    .split("+")
    .map((k) => (k === "Mod" ? (mac ? "⌘" : "Ctrl") : k === "Shift" && mac ? "⇧" : k === "Alt" && mac ? "⌥" : k));
}

export function shortcut(keys: string): string {
  return keyLabels(keys).join(isMac() ? "" : "+");
}
