import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner } from '@pat/application';
import { TOKEN_POLICY_STREAM, decideChangeTokenPolicy } from '../domain/token-policy';
import { tokenPolicyAggregate } from '../token-aggregate';
import { TokenPolicyView, toTokenPolicyView } from '../token-policy-view';
import { ChangeTokenPolicyCommand } from './change-token-policy.command';

@CommandHandler(ChangeTokenPolicyCommand)
export class ChangeTokenPolicyHandler implements ICommandHandler<ChangeTokenPolicyCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute(command: ChangeTokenPolicyCommand): Promise<TokenPolicyView> {
    const { state } = await this.commands.run(
      TOKEN_POLICY_STREAM,
      tokenPolicyAggregate,
      (policy) => decideChangeTokenPolicy(policy, { maxLifetimeDays: command.maxLifetimeDays }),
      command.context,
    );
    return toTokenPolicyView(state);
  }
}
