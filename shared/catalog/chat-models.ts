/**
 * Whether a model can answer a chat turn. Switchboard only makes chat calls, so embeddings, speech,
 * image and video generators, moderation and guard classifiers are left out of the catalog and the
 * providers' lists: offering them in a chat model picker would only produce errors.
 */
const NOT_CHAT_ID =
  /(^|[-_/.:])(text-)?(embed|embedding|embeddings|whisper|tts|dall-e|moderation|davinci|babbage|transcribe|realtime|sora|gpt-image|imagen|ocr|rerank|prompt-guard)([-_/.:]|\d|$)/i;

/** By its id alone (provider lists that say nothing else). */
export function isChatModelId(id: string): boolean {
  return !NOT_CHAT_ID.test(id);
}

/**
 * By its id and, where known, what it takes and gives: a chat model reads text and writes text.
 * Absent modalities say nothing (true).
 */
export function isChatModel(id: string, modalities?: { input?: readonly unknown[] | undefined; output?: readonly unknown[] | undefined }): boolean {
  if (!isChatModelId(id)) return false;
  if (modalities?.output && !modalities.output.includes('text')) return false;
  if (modalities?.input && !modalities.input.includes('text')) return false;
  return true;
}
