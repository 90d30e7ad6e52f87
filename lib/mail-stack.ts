import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { SES_EVENT_TYPES } from '../functions/events/ses-delivery-event.ts';
import type { StageConfig } from './stage-config.ts';

/** Props of {@link MailStack}. */
export interface MailStackProps extends StackProps {
  readonly stage: StageConfig;
}

/**
 * The stage's SES domain identity and its configuration set (`csp-<stage>-mail`), deployed and verified before
 * anything that sends as it. Cognito refuses to create a user pool whose SES sender is not yet verified, and
 * verification waits for the DKIM records to be published in DNS, so the identity cannot be created in the
 * same deploy as the staff pool: the runbook deploys this stack, publishes the records it outputs, waits for
 * SES to verify them, and only then deploys the stateful stack.
 */
export class MailStack extends Stack {
  /** The domain every email is sent from; SES verifies it by Easy DKIM. */
  public readonly emailIdentity: EmailIdentity;
  /** TLS-only delivery, reputation metrics, and delivery events to EventBridge; the identity's default. */
  public readonly configurationSet: ConfigurationSet;
  /** ARN of {@link configurationSet}, which has no ARN attribute of its own. */
  public readonly configurationSetArn: string;

  constructor(scope: Construct, id: string, props: MailStackProps) {
    super(scope, id, props);
    const { stage } = props;

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      // Referrals can carry sensitive enquiry details: never hand them to a server over plain SMTP.
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    // SES reports delivery, bounces, complaints, rejections and delays on the default bus (the only one it
    // publishes to); a rule there feeds the delivery-events function (RULES.recordDeliveryEvents).
    this.configurationSet.addEventDestination('DeliveryEventsToEventBridge', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: SES_EVENT_TYPES.map((type) => EmailSendingEvent[type]),
    });
    this.configurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
    // The configuration set is the identity's default, so the mailer needs no code to use it.
    this.emailIdentity = new EmailIdentity(this, 'EmailIdentity', {
      identity: Identity.domain(stage.sesIdentity),
      configurationSet: this.configurationSet,
    });

    // What to publish in DNS before deploying the stateful stack (README: the runbook).
    this.emailIdentity.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, {
        value: `${record.name} CNAME ${record.value}`,
        description: `DKIM record ${i + 1} of 3 for ${stage.sesIdentity}: publish it, then wait for SES to verify the domain`,
      });
    });
  }
}
