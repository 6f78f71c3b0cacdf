/**
 * The region of an SQS queue URL, from every host form AWS has used
 * (https://docs.aws.amazon.com/general/latest/gr/sqs-service.html, "Service endpoints" and
 * "Legacy endpoints"; dual-stack https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-internetwork-traffic-privacy.html):
 * - `sqs.REGION.amazonaws.com` (and `.amazonaws.com.cn`), FIPS `sqs-fips.REGION.amazonaws.com`;
 * - dual-stack `sqs.REGION.api.aws` (and `sqs-fips.REGION.api.aws`);
 * - legacy `REGION.queue.amazonaws.com`, and `queue.amazonaws.com`, which is us-east-1.
 * Undefined for any other host (a custom endpoint such as the sandbox): the caller's region applies.
 */
export function queueRegion(queueUrl: string): string | undefined {
  let host: string;
  try {
    host = new URL(queueUrl).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  if (host === 'queue.amazonaws.com') return 'us-east-1';
  return (
    /^sqs(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1] ??
    /^sqs(?:-fips)?\.([a-z0-9-]+)\.api\.aws$/.exec(host)?.[1] ??
    /^([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1]
  );
}
