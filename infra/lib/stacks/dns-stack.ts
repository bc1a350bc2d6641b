import { CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';

export interface DnsStackProps extends StackProps {
  readonly zoneName: string;
  /** An existing public hosted zone (given, never looked up); without it the zone is created. */
  readonly hostedZoneId: string | undefined;
  /** What pm., chat. and blog. point to: the proxy's public address. */
  readonly proxyAddress: string;
  readonly hosts: readonly string[];
}

/** `pm.`, `chat.` and `blog.` under the tier's hosted zone, all to the proxy, which routes by Host. */
export class DnsStack extends Stack {
  readonly zone: route53.IPublicHostedZone;

  constructor(scope: Construct, id: string, props: DnsStackProps) {
    super(scope, id, props);
    if (props.hostedZoneId) {
      this.zone = route53.PublicHostedZone.fromPublicHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: props.hostedZoneId,
        zoneName: props.zoneName,
      });
    } else {
      const zone = new route53.PublicHostedZone(this, 'Zone', { zoneName: props.zoneName });
      this.zone = zone;
      // Delegate the zone from its parent (or the registrar) to these servers.
      new CfnOutput(this, 'NameServers', {
        value: Fn.join(',', zone.hostedZoneNameServers ?? []),
        description: `Name servers of ${props.zoneName}`,
      });
    }
    for (const host of props.hosts) {
      new route53.ARecord(this, `Record-${host}`, {
        zone: this.zone,
        recordName: host,
        target: route53.RecordTarget.fromIpAddresses(props.proxyAddress),
        ttl: Duration.minutes(5),
      });
    }
  }
}
