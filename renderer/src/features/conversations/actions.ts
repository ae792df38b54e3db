import { navigate } from '../../router/navigation.js';
import { paths, parseRoute } from '../../router/routes.js';
import { toast } from '../../state/toast-store.js';
import type { Conversation } from '../../db/schema.js';
import { markDeletedHere } from './deleted-here.js';
import { conversationStore, type NewConversation } from './store.js';

/** Creates a conversation and opens it. The chat helper's model picker passes the chosen target. */
export async function startConversation(input: NewConversation = {}): Promise<Conversation | null> {
  try {
    const conversation = await conversationStore().create(input);
    navigate(paths.conversation(conversation.id));
    return conversation;
  } catch {
    toast.error('Could not create a conversation', 'The browser’s storage refused the write. Free some disk space and try again.');
    return null;
  }
}

export async function renameConversation(id: string, title: string): Promise<void> {
  try {
    await conversationStore().rename(id, title);
  } catch (err) {
    toast.error('Could not rename the conversation', err instanceof Error ? err.message : undefined);
    throw err;
  }
}

/** Deletes the conversation; if it was open, goes back to the start page. */
export async function deleteConversation(id: string): Promise<void> {
  markDeletedHere(id);
  await conversationStore().remove(id);
  const route = parseRoute(window.location.pathname);
  if (route.name === 'conversation' && route.id === id) navigate(paths.home(), { replace: true });
  toast.success('Conversation deleted');
}
