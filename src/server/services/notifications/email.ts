import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { config } from "../../config";
import { AppError } from "../../errors";

/** Outgoing mail over SMTP (QUARRY_SMTP_URL); one transport per URL, reused. */
let cached: { url: string; transport: Transporter } | null = null;

export const emailConfigured = () => !!config().QUARRY_SMTP_URL;

function transport(): Transporter {
  const url = config().QUARRY_SMTP_URL;
  if (!url) throw new AppError("BAD_REQUEST", "Email is not configured on this server (QUARRY_SMTP_URL)");
  if (cached?.url !== url) cached = { url, transport: nodemailer.createTransport(url) };
  return cached.transport;
}

export interface Mail {
  to: string[];
  subject: string;
  text: string;
  attachments?: { filename: string; content: string; contentType: string }[];
}

export async function sendMail(mail: Mail): Promise<void> {
  await transport().sendMail({ from: config().QUARRY_SMTP_FROM, to: mail.to.join(", "), subject: mail.subject, text: mail.text, attachments: mail.attachments });
}
