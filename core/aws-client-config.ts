/** What every AWS SDK client of this project is made with. */
export interface AwsClientConfig {
  readonly region: string;
  /** The local emulator (LAMBDA_FLEET_LOCAL_AWS_ENDPOINT, checked to be loopback), or none: AWS. */
  readonly endpoint?: string;
}

/**
 * The one place an AWS client learns where to go: the region, and with a local endpoint every
 * call to that emulator. `forcePathStyle` is S3's: an emulator on loopback has no bucket subdomains.
 */
export function awsClientConfig(region: string, localEndpoint?: string): AwsClientConfig & { readonly forcePathStyle: boolean } {
  return { region, ...(localEndpoint === undefined ? {} : { endpoint: localEndpoint }), forcePathStyle: localEndpoint !== undefined };
}
