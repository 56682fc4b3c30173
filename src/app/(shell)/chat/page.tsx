import { IconChartBar, IconHistory, IconMessageChatbot, IconPlugConnected, IconShieldCheck, IconSparkles } from "@tabler/icons-react";
import type { Metadata } from "next";
import { FeaturePage } from "@/components/feature/feature-page";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Chat" };

const ICON = { size: 18, stroke: 1.7 };

export default async function ChatPage() {
  await requireSession("/chat");
  return (
    <FeaturePage
      title="Chat"
      icon={<IconMessageChatbot size={22} stroke={1.7} />}
      summary="Ask questions about your data in plain language. Quarry turns them into SQL, shows you the query, runs it and explains the answer."
      planned={[
        { icon: <IconSparkles {...ICON} />, title: "Questions to SQL", text: "Each answer shows the generated SQL, so you can check it, edit it or open it in the editor." },
        { icon: <IconPlugConnected {...ICON} />, title: "Works offline", text: "A built-in engine answers with no key and no network; OpenAI, Anthropic or a local Ollama/vLLM server can be plugged in." },
        { icon: <IconChartBar {...ICON} />, title: "Answers with charts", text: "Results come back as tables or charts inside the conversation." },
        { icon: <IconHistory {...ICON} />, title: "Conversations", text: "Chats are kept per data source so you can pick up a line of questions later." },
        { icon: <IconShieldCheck {...ICON} />, title: "Same rules as the editor", text: "Generated statements go through the same permission checks and write approvals as hand-written SQL." },
      ]}
    />
  );
}
