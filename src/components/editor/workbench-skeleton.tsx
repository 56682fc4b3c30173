import { Group, Skeleton, Stack } from "@mantine/core";
import classes from "./workbench.module.css";

export function WorkbenchSkeleton() {
  return (
    <div className={classes.root} role="status" aria-busy="true" aria-label="Loading the editor">
      <Group h="100%" gap={0} wrap="nowrap" align="stretch">
        <Stack w={300} p="sm" gap="sm" style={{ borderRight: "1px solid var(--mantine-color-default-border)" }}>
          <Skeleton h={30} />
          <Skeleton h={26} />
          {[80, 65, 72, 58, 76, 61].map((w, i) => (
            <Skeleton key={i} h={12} w={`${w}%`} />
          ))}
        </Stack>
        <Stack style={{ flex: 1 }} p="sm" gap="sm">
          <Group gap="xs">
            <Skeleton h={34} w={260} />
            <Skeleton h={34} w={80} />
            <Skeleton h={34} w={120} />
          </Group>
          <Skeleton h="38%" />
          <Skeleton style={{ flex: 1 }} />
        </Stack>
      </Group>
    </div>
  );
}
