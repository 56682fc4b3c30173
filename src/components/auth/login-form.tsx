"use client";
import { Alert, Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { IconAlertCircle, IconLock, IconShieldLock, IconUser } from "@tabler/icons-react";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

interface LoginFormProps {
  /** Already checked by the page to be a same-origin path. */
  callbackUrl: string;
  initialError?: string | null;
}

export function LoginForm({ callbackUrl, initialError = null }: LoginFormProps) {
  const router = useRouter();
  const [identifier, setIdentifier] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(initialError);
  const [pending, setPending] = useState(false);
  // Shown once the server says this account signs in with a second factor.
  const [needsCode, setNeedsCode] = useState(false);
  const [otp, setOtp] = useState("");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    const result = await signIn("credentials", { identifier: identifier.trim(), password, otp: otp.trim(), redirect: false }).catch(
      () => undefined,
    );
    if (!result?.ok || result.error) {
      // next-auth passes the server's message through; "CredentialsSignin" is its generic code.
      const message = result?.error && result.error !== "CredentialsSignin" ? result.error : null;
      if (message && /authenticator app|two-factor/i.test(message)) setNeedsCode(true);
      setError(message ?? "Sign-in failed. Check your details and try again.");
      setPending(false);
      return;
    }
    // Stay in the loading state: the navigation below is what finishes the sign-in.
    router.replace(callbackUrl);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="md">
        {error && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert" data-testid="login-error">
            {error}
          </Alert>
        )}
        <TextInput
          label="Email or username"
          placeholder="you@company.com"
          autoComplete="username"
          leftSection={<IconUser size={16} stroke={1.7} />}
          value={identifier}
          onChange={(e) => setIdentifier(e.currentTarget.value)}
          autoFocus
          size="md"
        />
        <PasswordInput
          label="Password"
          placeholder="Your password"
          autoComplete="current-password"
          leftSection={<IconLock size={16} stroke={1.7} />}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          size="md"
        />
        {needsCode && (
          <TextInput
            label="Two-factor code"
            description="The 6-digit code from your authenticator app, or a recovery code"
            autoComplete="one-time-code"
            inputMode="text"
            leftSection={<IconShieldLock size={16} stroke={1.7} />}
            value={otp}
            onChange={(e) => setOtp(e.currentTarget.value)}
            autoFocus
            size="md"
          />
        )}
        <Button type="submit" size="md" fullWidth loading={pending} disabled={!identifier || !password || (needsCode && !otp.trim())} mt="xs">
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
