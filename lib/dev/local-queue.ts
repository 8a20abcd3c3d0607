import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { queues, type QueueName } from '../wiring/workers';
import type { MessageQueue, QueueDepth, Redrive } from '../adapters/queue/message-queue';

export interface ReceivedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: number;
}

/** A message as its file names it: `<messageId>.<receiveCount>.<visibleAt>` (for a dead letter, when it died). */
interface MessageFile {
  messageId: string;
  receiveCount: number;
  visibleAt: number;
  path: string;
}

const PARTIAL = '.partial';

const fileName = (messageId: string, receiveCount: number, visibleAt: number): string => `${messageId}.${receiveCount}.${visibleAt}`;

/** Time-ordered ids keep delivery roughly first-in, first-out; the time is also when it was sent. */
const newMessageId = (now: number, index: number): string => `${now.toString(36).padStart(9, '0')}-${String(index).padStart(4, '0')}-${randomUUID()}`;

const sentAtOf = (messageId: string): number => Number.parseInt(messageId.slice(0, messageId.indexOf('-')), 36);

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * SQS semantics in a folder, for one machine: a message is a file, written beside its place and
 * renamed into it before `send` resolves, so a crash never leaves half of one; its name holds its
 * state (receive count, and when it is visible again), so receiving it is one rename, which only
 * one receiver can win; a message received too many times moves to the dead letters' folder.
 * The folder is the only state: a process that starts after a crash, or a second one that reads
 * it (a test looking for what was queued), sees what the last rename left.
 */
export class LocalQueue implements MessageQueue {
  private readonly sent = new EventEmitter();

  constructor(private readonly root: string) {}

  /** Called after each send, so a consumer in the same process wakes up at once. */
  onSend(listener: (queue: QueueName) => void): void {
    this.sent.on('sent', listener);
  }

  queueNames(): QueueName[] {
    return Object.values(queues).map((queue) => queue.name);
  }

  async send(queue: QueueName, bodies: string[]): Promise<void> {
    const folder = this.folderOf(queue);
    await mkdir(folder, { recursive: true });
    const now = Date.now();
    await Promise.all(
      bodies.map(async (body, index) => {
        const target = join(folder, fileName(newMessageId(now, index), 0, now));
        await writeFile(target + PARTIAL, body);
        await rename(target + PARTIAL, target);
      }),
    );
    this.sent.emit('sent', queue);
  }

  async depth(queue: QueueName): Promise<QueueDepth> {
    const [pending, deadLetters] = await Promise.all([this.files(this.folderOf(queue)), this.files(this.deadLetterFolderOf(queue))]);
    return { pending: pending.length, deadLetters: deadLetters.length };
  }

  /** Takes up to `max` visible messages, oldest first, and hides them for `visibilityTimeoutSeconds`. */
  async receive(queue: string, max: number, visibilityTimeoutSeconds: number): Promise<ReceivedMessage[]> {
    const now = Date.now();
    const received: ReceivedMessage[] = [];
    for (const file of await this.files(this.folderOf(queue))) {
      if (received.length >= max) break;
      if (file.visibleAt > now) continue;
      const claimed = join(this.folderOf(queue), fileName(file.messageId, file.receiveCount + 1, now + visibilityTimeoutSeconds * 1000));
      const body = await this.moved(file.path, claimed);
      if (body !== null) received.push({ messageId: file.messageId, body, receiveCount: file.receiveCount + 1, sentAt: sentAtOf(file.messageId) });
    }
    return received;
  }

  async deleteMessages(queue: string, messageIds: string[]): Promise<void> {
    const deleted = new Set(messageIds);
    const files = (await this.files(this.folderOf(queue))).filter((file) => deleted.has(file.messageId));
    await Promise.all(files.map((file) => rm(file.path, { force: true })));
  }

  /** A failed delivery: visible again after a back-off, or dead-lettered after `maxReceiveCount` receives. */
  async fail(queue: string, message: ReceivedMessage, maxReceiveCount: number): Promise<'retry' | 'dead-letter'> {
    const file = (await this.files(this.folderOf(queue))).find((candidate) => candidate.messageId === message.messageId);
    if (message.receiveCount >= maxReceiveCount) {
      if (file) {
        await mkdir(this.deadLetterFolderOf(queue), { recursive: true });
        await this.moved(file.path, join(this.deadLetterFolderOf(queue), fileName(file.messageId, file.receiveCount, Date.now())), false);
      }
      return 'dead-letter';
    }
    const backoffMs = Math.min(30_000, 250 * 2 ** message.receiveCount);
    if (file) await this.moved(file.path, join(this.folderOf(queue), fileName(file.messageId, file.receiveCount, Date.now() + backoffMs)), false);
    return 'retry';
  }

  /**
   * Makes every in-flight message visible again. Only for a consumer's start, when no earlier
   * consumer of this folder can still be working on one (it was in a process that has ended).
   */
  async releaseInFlight(queue: string): Promise<void> {
    const now = Date.now();
    for (const file of await this.files(this.folderOf(queue))) {
      if (file.visibleAt > now) await this.moved(file.path, join(this.folderOf(queue), fileName(file.messageId, file.receiveCount, now)), false);
    }
  }

  async redrive(queue: QueueName): Promise<Redrive> {
    await mkdir(this.folderOf(queue), { recursive: true });
    let moved = 0;
    for (const file of await this.files(this.deadLetterFolderOf(queue))) {
      if ((await this.moved(file.path, join(this.folderOf(queue), fileName(file.messageId, 0, Date.now())), false)) !== null) moved++;
    }
    if (moved > 0) this.sent.emit('sent', queue);
    return { queue, status: 'moved', messages: moved };
  }

  async deadLetters(queue: string): Promise<ReceivedMessage[]> {
    return this.withBodies(await this.files(this.deadLetterFolderOf(queue)));
  }

  /** Every message of the queue, visible or in flight (dead letters not included). */
  async messages(queue: string): Promise<ReceivedMessage[]> {
    return this.withBodies(await this.files(this.folderOf(queue)));
  }

  private folderOf(queue: string): string {
    return join(this.root, queue);
  }

  private deadLetterFolderOf(queue: string): string {
    return join(this.root, 'dead-letters', queue);
  }

  /**
   * Renames a message's file, and reads its body from the new name when asked; `null` when the
   * file was gone (another receiver renamed it first, or it was deleted meanwhile).
   */
  private async moved(from: string, to: string, readBody = true): Promise<string | null> {
    try {
      await rename(from, to);
      return readBody ? await readFile(to, 'utf8') : '';
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  /** The folder's messages, oldest first. */
  private async files(folder: string): Promise<MessageFile[]> {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    return names
      .filter((name) => !name.endsWith(PARTIAL) && name.split('.').length === 3)
      .sort()
      .map((name) => {
        const [messageId = '', receiveCount, visibleAt] = name.split('.');
        return { messageId, receiveCount: Number(receiveCount), visibleAt: Number(visibleAt), path: join(folder, name) };
      });
  }

  private async withBodies(files: MessageFile[]): Promise<ReceivedMessage[]> {
    const read = await Promise.all(
      files.map(async (file) => {
        try {
          return { messageId: file.messageId, body: await readFile(file.path, 'utf8'), receiveCount: file.receiveCount, sentAt: sentAtOf(file.messageId) };
        } catch (error) {
          if (isMissing(error)) return null;
          throw error;
        }
      }),
    );
    return read.filter((message) => message !== null);
  }
}
