// The known-devices port (users/known-devices.ts) on DynamoDB: one item per device, by hash.
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { KnownDevice, KnownDevices } from '../users/known-devices';
import { deviceFromItem, deviceKey, itemFromDevice } from './items/device-items';
import { orUnavailable } from './unavailable';

export class DynamoDbKnownDevices implements KnownDevices {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  async remember(device: KnownDevice): Promise<void> {
    await orUnavailable(
      this.client.send(new PutCommand({ TableName: this.tableName, Item: itemFromDevice(device) })),
    );
  }

  async find(hash: string): Promise<KnownDevice | undefined> {
    const { Item } = await orUnavailable(
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: deviceKey(hash), ConsistentRead: true }),
      ),
    );
    return Item ? deviceFromItem(hash, Item) : undefined;
  }
}
