import { Box, Group, List, ListItem, Paper, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { IconChecklist, IconCode, IconMessageChatbot, IconTopologyStar3 } from "@tabler/icons-react";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { LoginForm } from "@/components/auth/login-form";
import { Logo } from "@/components/shell/logo";
import { currentSession, safeCallbackUrl } from "../_lib/session";
import classes from "./login.module.css";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

// next-auth may bounce here with an error code; only known codes are shown, so a
// crafted link cannot put arbitrary text on the sign-in page.
const ERROR_MESSAGES: Record<string, string> = {
  CredentialsSignin: "Invalid email/username or password",
  SessionRequired: "Sign in to continue",
  AccessDenied: "Access denied",
};

function Point({ icon, children }: { icon: ReactNode; children: ReactNode }) {
  return (
    <ListItem
      icon={
        <ThemeIcon variant="light" radius="md" size={34}>
          {icon}
        </ThemeIcon>
      }
    >
      <Text size="md">{children}</Text>
    </ListItem>
  );
}

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await currentSession()) redirect(callbackUrl);
  const errorCode = typeof params.error === "string" ? params.error : null;
  const initialError = errorCode ? (ERROR_MESSAGES[errorCode] ?? "Sign-in failed. Try again.") : null;
  const icon = { size: 18, stroke: 1.7 };

  return (
    <Box className={classes.page}>
      <Box className={classes.brand}>
        <Stack gap="xl" maw={520}>
          <Logo size="lg" />
          <Title order={1} fz={40} lh={1.15} fw={750}>
            Your data, one workbench.
          </Title>
          <Text size="lg" c="dimmed">
            Query your own databases, ask questions in plain language, review every write and move data with
            pipelines, all on your own servers.
          </Text>
          <List spacing="md" center>
            <Point icon={<IconCode {...icon} />}>A SQL editor with results, charts and history</Point>
            <Point icon={<IconMessageChatbot {...icon} />}>Plain-language questions that show their SQL</Point>
            <Point icon={<IconChecklist {...icon} />}>Writes wait for approval before they run</Point>
            <Point icon={<IconTopologyStar3 {...icon} />}>ETL pipelines built on a canvas</Point>
          </List>
        </Stack>
      </Box>
      <Box className={classes.formSide}>
        <Stack className={classes.card} gap="lg">
          <Group justify="center" hiddenFrom="md">
            <Logo size="lg" />
          </Group>
          <Paper withBorder shadow="md" radius="lg" p={{ base: "lg", sm: 36 }}>
            <Stack gap={4} mb="lg">
              <Title order={2} fz={24}>
                Sign in to Quarry
              </Title>
              <Text size="sm" c="dimmed">
                The self-hosted data workbench for your team.
              </Text>
            </Stack>
            <LoginForm callbackUrl={callbackUrl} initialError={initialError} />
          </Paper>
          <Text size="xs" c="dimmed" ta="center">
            No account yet? An administrator creates one for you. On first start the administrator&apos;s
            password is printed in the server console.
          </Text>
        </Stack>
      </Box>
    </Box>
  );
}
