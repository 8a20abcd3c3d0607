import type { RedriveResult } from '../../lib/app/api/schemas';
import { formatTable } from './table';

const messages = (count: number): string => `${count} message${count === 1 ? '' : 's'}`;

/** One line per queue: what went back, or what SQS is moving back. */
export const formatRedrive = (result: RedriveResult): string =>
  formatTable(
    [{ header: 'queue' }, { header: 'dead letters', align: 'left' }],
    result.queues.map((redrive) => [
      redrive.queue,
      redrive.status === 'moved'
        ? `${messages(redrive.messages)} moved back`
        : `about ${messages(redrive.messages)} being moved back by SQS (task ${redrive.taskHandle})`,
    ]),
  );
