/** arn:aws:connect:<region>:<account>:instance/<instanceId> */
const INSTANCE_ARN = /^arn:aws[a-zA-Z-]*:connect:[a-z0-9-]+:\d{12}:instance\/([0-9a-zA-Z-]{1,100})$/;

/** The Connect instance id from an instance ARN, or undefined when it is not one. */
export function instanceIdFromArn(arn: string): string | undefined {
  return INSTANCE_ARN.exec(arn)?.[1];
}
