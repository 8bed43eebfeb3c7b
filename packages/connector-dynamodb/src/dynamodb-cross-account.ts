/**
 * Cross-account reads, as Java's `CrossAccountCredentialsProviderV2` does them: with
 * `cross_account_role_arn` set, the DynamoDB client signs with that role's credentials, assumed
 * through STS under Java's session name and for STS's default duration; the SDK asks again before
 * they expire. Glue stays in the function's own account, as in Java (`glue_catalog` reaches another).
 */
import { ConnectorError } from '@athena-federation/connector-core';

/** Java's session name, the same for metadata and record reads (`DynamoDBMetadataHandler_CrossAccountRoleSession`). */
export const CROSS_ACCOUNT_SESSION_NAME = 'DynamoDBMetadataHandler_CrossAccountRoleSession';

/** Temporary credentials in the shape the SDK's `credentials` option takes; `expiration` makes the SDK refresh them. */
export interface AssumedRoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/**
 * A credential provider that assumes `roleArn` with the function's own credentials. STS is loaded
 * and called on the first DynamoDB request, not at import; the endpoint is the standard AWS one
 * (`AWS_ENDPOINT_URL_STS`, …).
 *
 * @throws {ConnectorError} (AccessDenied) naming the role and STS's error, when it cannot be assumed.
 */
export function assumeRoleCredentials(roleArn: string): () => Promise<AssumedRoleCredentials> {
  let sts:
    | Promise<{
        client: import('@aws-sdk/client-sts').STSClient;
        AssumeRoleCommand: typeof import('@aws-sdk/client-sts').AssumeRoleCommand;
      }>
    | undefined;
  return async () => {
    sts ??= import('@aws-sdk/client-sts').then(({ STSClient, AssumeRoleCommand }) => ({
      client: new STSClient({}),
      AssumeRoleCommand,
    }));
    const { client, AssumeRoleCommand } = await sts;
    try {
      const { Credentials: assumed } = await client.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: CROSS_ACCOUNT_SESSION_NAME }),
      );
      if (
        assumed?.AccessKeyId === undefined ||
        assumed.SecretAccessKey === undefined ||
        assumed.SessionToken === undefined ||
        assumed.Expiration === undefined
      ) {
        throw new Error('AssumeRole answered without complete credentials');
      }
      return {
        accessKeyId: assumed.AccessKeyId,
        secretAccessKey: assumed.SecretAccessKey,
        sessionToken: assumed.SessionToken,
        expiration: assumed.Expiration,
      };
    } catch (error) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new ConnectorError(
        'AccessDenied',
        `Could not assume the role cross_account_role_arn names (${roleArn}): ${detail}`,
        { cause: error },
      );
    }
  };
}
