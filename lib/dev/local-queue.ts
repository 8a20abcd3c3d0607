import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
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
 *
 * Each instance keeps the folder's listing as it last saw it, oldest first, and updates it with
 * its own sends, receives and deletes, so receiving from a backlog of many messages does not read
 * the whole folder each time; it reads the folder again when the listing shows nothing visible. A
 * message another instance claimed first is a rename that fails, and leaves the listing.
 */
export class LocalQueue implements MessageQueue {
  private readonly sent = new EventEmitter();
  /** Per queue, its messages by id, oldest first, as this instance last saw them. */
  private readonly listings = new Map<string, Map<string, MessageFile>>();

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
    const sent = await Promise.all(
      bodies.map(async (body, index): Promise<MessageFile> => {
        const messageId = newMessageId(now, index);
        const path = join(folder, fileName(messageId, 0, now));
        await writeFile(path + PARTIAL, body);
        await rename(path + PARTIAL, path);
        return { messageId, receiveCount: 0, visibleAt: now, path };
      }),
    );
    const listing = this.listings.get(queue);
    if (listing) for (const file of sent) listing.set(file.messageId, file);
    this.sent.emit('sent', queue);
  }

  async depth(queue: QueueName): Promise<QueueDepth> {
    const [pending, deadLetters] = await Promise.all([this.files(this.folderOf(queue)), this.files(this.deadLetterFolderOf(queue))]);
    return { pending: pending.length, deadLetters: deadLetters.length };
  }

  /** Takes up to `max` visible messages, oldest first, and hides them for `visibilityTimeoutSeconds`. */
  async receive(queue: string, max: number, visibilityTimeoutSeconds: number): Promise<ReceivedMessage[]> {
    const now = Date.now();
    let listing = this.listings.get(queue);
    const anyVisible = (files: Map<string, MessageFile>) => {
      for (const file of files.values()) if (file.visibleAt <= now) return true;
      return false;
    };
    if (!listing || !anyVisible(listing)) listing = await this.listingOf(queue);
    const received: ReceivedMessage[] = [];
    // A Map is iterated in insertion order, and deleting or updating an entry on the way is safe.
    for (const file of listing.values()) {
      if (received.length >= max) break;
      if (file.visibleAt > now) continue;
      const claimed = { ...file, receiveCount: file.receiveCount + 1, visibleAt: now + visibilityTimeoutSeconds * 1000 };
      claimed.path = join(this.folderOf(queue), fileName(claimed.messageId, claimed.receiveCount, claimed.visibleAt));
      const body = await this.moved(file.path, claimed.path);
      if (body === null) {
        listing.delete(file.messageId);
        continue;
      }
      listing.set(file.messageId, claimed);
      received.push({ messageId: file.messageId, body, receiveCount: claimed.receiveCount, sentAt: sentAtOf(file.messageId) });
    }
    return received;
  }

  async deleteMessages(queue: string, messageIds: string[]): Promise<void> {
    const files = await this.current(queue, messageIds);
    const renamedMeanwhile: string[] = [];
    await Promise.all(
      files.map(async (file) => {
        try {
          await unlink(file.path);
        } catch (error) {
          if (!isMissing(error)) throw error;
          renamedMeanwhile.push(file.messageId);
        }
      }),
    );
    for (const file of files) this.listings.get(queue)?.delete(file.messageId);
    // Received again by another instance since this one listed it: its file has another name now.
    if (renamedMeanwhile.length > 0) await Promise.all((await this.current(queue, renamedMeanwhile)).map((file) => rm(file.path, { force: true })));
  }

  /** A failed delivery: visible again after a back-off, or dead-lettered after `maxReceiveCount` receives. */
  async fail(queue: string, message: ReceivedMessage, maxReceiveCount: number): Promise<'retry' | 'dead-letter'> {
    const [file] = await this.current(queue, [message.messageId]);
    if (message.receiveCount >= maxReceiveCount) {
      if (file) {
        await mkdir(this.deadLetterFolderOf(queue), { recursive: true });
        await this.moved(file.path, join(this.deadLetterFolderOf(queue), fileName(file.messageId, file.receiveCount, Date.now())), false);
        this.listings.get(queue)?.delete(file.messageId);
      }
      return 'dead-letter';
    }
    if (file) {
      const retried = { ...file, visibleAt: Date.now() + Math.min(30_000, 250 * 2 ** message.receiveCount) };
      retried.path = join(this.folderOf(queue), fileName(file.messageId, file.receiveCount, retried.visibleAt));
      if ((await this.moved(file.path, retried.path, false)) !== null) this.listings.get(queue)?.set(file.messageId, retried);
    }
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
    this.listings.delete(queue);
  }

  async redrive(queue: QueueName): Promise<Redrive> {
    await mkdir(this.folderOf(queue), { recursive: true });
    let moved = 0;
    for (const file of await this.files(this.deadLetterFolderOf(queue))) {
      if ((await this.moved(file.path, join(this.folderOf(queue), fileName(file.messageId, 0, Date.now())), false)) !== null) moved++;
    }
    this.listings.delete(queue);
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

  /** Reads the queue's folder into this instance's listing. */
  private async listingOf(queue: string): Promise<Map<string, MessageFile>> {
    const listing = new Map((await this.files(this.folderOf(queue))).map((file) => [file.messageId, file]));
    this.listings.set(queue, listing);
    return listing;
  }

  /** The files of these messages as they are now: from the listing, or from the folder for those it does not hold. */
  private async current(queue: string, messageIds: readonly string[]): Promise<MessageFile[]> {
    const listing = this.listings.get(queue);
    const found = messageIds.map((id) => listing?.get(id));
    if (found.every((file) => file !== undefined)) return found;
    const wanted = new Set(messageIds);
    return (await this.files(this.folderOf(queue))).filter((file) => wanted.has(file.messageId));
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
