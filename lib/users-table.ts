// The users table, built from the same pure definition the local and test tables use.
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { keyedIndexes, usersTable } from '../lambda/store/table-definition';
import { DeploymentDefaults } from './deployment-defaults';

const attributeType = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
} as const;

/**
 * Everything the router does to the table; its role gets exactly these and nothing more.
 * TransactWriteItems has no action of its own: each Put, Update or Delete inside a transaction
 * needs that item action (a ConditionCheck part would need dynamodb:ConditionCheckItem).
 */
export const ROUTER_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  // Every protected call reads its user and its session in one batch.
  'dynamodb:BatchGetItem',
] as const;
/** What a caller needs of the customer key to read and write the table's items (through DynamoDB only). */
export const TABLE_KEY_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
] as const;
/**
 * Listings query the indexes (users, events, a user's sessions; and count admins once by scanning
 * the email index), never the base table. No index holds a password hash or a refresh-token hash.
 */
export const ROUTER_INDEX_ACTIONS = ['dynamodb:Scan', 'dynamodb:Query'] as const;

export interface UsersTableProps {
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
}

export class UsersTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: UsersTableProps) {
    super(scope, id);

    // No tableName: CloudFormation generates one from the stack name, which carries the branch.
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: {
        name: usersTable.partitionKey.name,
        type: attributeType[usersTable.partitionKey.type],
      },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // Always a KMS key (the AWS-managed one, or the customer key), so SSESpecification is explicit.
      ...DeploymentDefaults.of(this).tableEncryption(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: usersTable.timeToLiveAttribute,
      // The mailer reads new outbox items from the stream.
      stream: dynamodb.StreamViewType.NEW_IMAGE,
      removalPolicy: props.removalPolicy,
      deletionProtection: props.deletionProtection,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: usersTable.emailIndex.name,
      partitionKey: {
        name: usersTable.emailIndex.partitionKey.name,
        type: attributeType[usersTable.emailIndex.partitionKey.type],
      },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...usersTable.emailIndex.nonKeyAttributes],
    });
    for (const index of keyedIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey.name, type: attributeType[index.partitionKey.type] },
        ...(index.sortKey
          ? { sortKey: { name: index.sortKey.name, type: attributeType[index.sortKey.type] } }
          : {}),
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: [...index.nonKeyAttributes],
      });
    }
  }

  /** The router's item reads and writes, and scans of the email index; no wildcard resources. */
  grantRouterAccess(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [...ROUTER_TABLE_ACTIONS], resources: [this.table.tableArn] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...ROUTER_INDEX_ACTIONS],
        resources: [usersTable.emailIndex, ...keyedIndexes].map(
          (index) => `${this.table.tableArn}/index/${index.name}`,
        ),
      }),
    );
    DeploymentDefaults.of(this).grantKeyUse(grantee, 'dynamodb', TABLE_KEY_ACTIONS);
  }
}
