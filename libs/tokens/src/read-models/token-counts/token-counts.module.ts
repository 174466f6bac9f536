import { Module } from '@nestjs/common';
import { TokenCountsController } from './token-counts.controller';
import { TokenCountsHandler } from './token-counts.query';

/** The admin view of the token-counts read model (its documents: tokenCountsReadModel). */
@Module({ controllers: [TokenCountsController], providers: [TokenCountsHandler] })
export class TokenCountsModule {}
