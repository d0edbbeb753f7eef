/** The AWS partitions this project deploys to: commercial, China and GovCloud. */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;
export type Partition = (typeof PARTITIONS)[number];

/**
 * Every AWS region, by partition, as the AWS SDK's endpoint data lists them (a test compares
 * the two). A region's partition is the first segment of every ARN in it: `arn:aws-cn:…`.
 */
export const REGIONS = {
  aws: [
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
    'af-south-1',
    'ap-east-1',
    'ap-east-2',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-6',
    'ap-southeast-7',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'il-central-1',
    'me-central-1',
    'me-south-1',
    'me-west-1',
    'mx-central-1',
    'sa-east-1',
    'sa-west-1',
  ],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
} as const satisfies Record<Partition, readonly string[]>;

export type Region = (typeof REGIONS)[Partition][number];

/** Every region name, commercial first. */
export const REGION_NAMES: readonly Region[] = PARTITIONS.flatMap((partition) => REGIONS[partition]);

/** The partition a region belongs to. */
export function partitionOf(region: Region): Partition {
  const found = PARTITIONS.find((partition) => (REGIONS[partition] as readonly string[]).includes(region));
  if (found === undefined) throw new Error(`${region} is in no partition of the region table`);
  return found;
}
