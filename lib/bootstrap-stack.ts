import { Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * Account- and region-wide settings the stages rely on but no stage should own, deployed once before the first
 * stage (`csp-<stage>-bootstrap`): the role API Gateway writes execution logs with. Without it, a stage with
 * execution logging fails its first deploy in a fresh account. Two stages in one account and region share the
 * setting; deploying the second bootstrap stack only sets the same kind of role again.
 */
export class BootstrapStack extends Stack {
  /** The role API Gateway assumes to write every stage's execution and access logs in this region. */
  public readonly apiGatewayLogsRole: Role;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    this.apiGatewayLogsRole = new Role(this, 'ApiGatewayLogsRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets API Gateway write execution logs to CloudWatch Logs (account-wide setting)',
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
      ],
    });
    Validations.of(this.apiGatewayLogsRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "AWS's own policy for exactly this role, the one API Gateway documents for its account-wide logging role",
    });
    const account = new CfnAccount(this, 'ApiGatewayAccount', {
      cloudWatchRoleArn: this.apiGatewayLogsRole.roleArn,
    });
    account.node.addDependency(this.apiGatewayLogsRole);
  }
}
