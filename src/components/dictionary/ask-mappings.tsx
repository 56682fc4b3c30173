import { Badge, Group } from "@mantine/core";

export interface AskMapping {
  phrase: string;
  kind: string;
  target: string;
}

/** How each phrase of a question was understood ("customers → customers"); shared by /ask and the editor's Ask box. */
export function AskMappings({ mappings, size = "sm" }: { mappings: readonly AskMapping[]; size?: "xs" | "sm" }) {
  if (!mappings.length) return null;
  return (
    <Group gap={6} data-testid="ask-mappings">
      {mappings.map((m, i) => (
        <Badge key={i} size={size} variant="outline" color={m.kind === "value" ? "grape" : m.kind === "date" ? "teal" : "blue"} title={m.kind}>
          {m.phrase} → {m.target}
        </Badge>
      ))}
    </Group>
  );
}
