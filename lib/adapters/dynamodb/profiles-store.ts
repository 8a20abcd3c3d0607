import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys';
import type { Table } from './table';

export interface StoredProfile {
  profileId: string;
  name: string | null;
  accounts: { network: string; id: string }[];
  updatedAt: string;
}

/** One person's accounts on several networks. */
export class ProfilesStore {
  constructor(private readonly table: Table) {}

  async putProfile(profile: StoredProfile): Promise<void> {
    await this.table.db.send(new PutCommand({ TableName: this.table.name, Item: { ...keys.profile(profile.profileId), ...profile } }));
  }

  async profile(profileId: string): Promise<StoredProfile | null> {
    const { Item } = await this.table.db.send(new GetCommand({ TableName: this.table.name, Key: keys.profile(profileId) }));
    if (!Item) return null;
    return {
      profileId: Item.profileId as string,
      name: (Item.name as string | null) ?? null,
      accounts: Item.accounts as StoredProfile['accounts'],
      updatedAt: Item.updatedAt as string,
    };
  }
}
