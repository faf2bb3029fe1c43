/** GraphQL inputs of consent records. */
import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: '记录信息采集同意 / record a person\'s consent' })
export class RecordConsentInput {
  @Field(() => ID)
  contactId!: string;

  @Field(() => Date, { nullable: true, description: '同意时间（默认现在）/ when (default now)' })
  consentAt?: Date | null;

  @Field({ description: '同意方式，如 书面同意书 / how' })
  source!: string;

  @Field(() => String, { nullable: true, description: '同意范围 / scope' })
  scope?: string | null;
}
