import type { Metadata } from "next";
import { ChatWorkspace } from "@/components/chat/chat-workspace";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Chat" };

export default async function ChatPage() {
  await requireSession("/chat");
  return <ChatWorkspace />;
}
