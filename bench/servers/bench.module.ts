import {
  CanActivate,
  Controller,
  DynamicModule,
  ExecutionContext,
  Get,
  Inject,
  Injectable,
  Module,
  Req,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { Public, principalOf } from '@pat/auth';
import bcrypt from 'bcryptjs';
import type { Request } from 'express';
import { jwtVerify } from 'jose';

/**
 * The comparison routes, mounted into the real app through createApp({ extraModules }). Every
 * route answers the same small JSON body from a handler of the same shape (it takes the request),
 * so the only difference between them is who checks the caller and how:
 *
 *   GET /api/v1/bench/none    @Public(): no authentication at all (the limit)
 *   GET /api/v1/bench/pat     the product's global guard + Passport bearer strategy
 *   GET /api/v1/bench/jwt     @Public() + a guard verifying an HS256 JWT with jose
 *   GET /api/v1/bench/bcrypt  @Public() + a guard that finds the key by its public id and
 *                             bcrypt.compare()s the secret (what API-key tutorials do), cost 10
 */
export interface BenchOptions {
  /** HS256 secret the JWT guard verifies with. */
  readonly jwtSecret: string;
  /** An API key `bk_<id>_<secret>`: its secret is stored as a bcrypt hash under its id. */
  readonly apiKey: string;
}

const BENCH_OPTIONS = Symbol('BenchOptions');
const BCRYPT_COST = 10;

interface BenchCaller {
  readonly userId: string;
}
type BenchRequest = Request & { benchCaller?: BenchCaller };

function bearerOf(request: Request): string {
  const match = /^Bearer ([^\s]+)$/.exec(request.headers.authorization ?? '');
  if (!match) throw new UnauthorizedException();
  return match[1];
}

export function parseApiKey(key: string): { id: string; secret: string } | null {
  const match = /^bk_([A-Za-z0-9]+)_([A-Za-z0-9]+)$/.exec(key);
  return match ? { id: match[1], secret: match[2] } : null;
}

@Injectable()
class JwtGuard implements CanActivate {
  private readonly key: Uint8Array;

  constructor(@Inject(BENCH_OPTIONS) options: BenchOptions) {
    this.key = new TextEncoder().encode(options.jwtSecret);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<BenchRequest>();
    try {
      const { payload } = await jwtVerify(bearerOf(request), this.key, { algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string') throw new UnauthorizedException();
      request.benchCaller = { userId: payload.sub };
      return true;
    } catch {
      throw new UnauthorizedException();
    }
  }
}

/** Stored API keys: public id → bcrypt hash of the secret (an in-memory table, the lookup is free). */
@Injectable()
class ApiKeyTable {
  private readonly hashes = new Map<string, { hash: string; userId: string }>();

  constructor(@Inject(BENCH_OPTIONS) options: BenchOptions) {
    const parsed = parseApiKey(options.apiKey);
    if (!parsed) throw new Error('BENCH_API_KEY must look like bk_<id>_<secret>');
    this.hashes.set(parsed.id, {
      hash: bcrypt.hashSync(parsed.secret, BCRYPT_COST),
      userId: 'api-key-user',
    });
  }

  find(id: string): { hash: string; userId: string } | undefined {
    return this.hashes.get(id);
  }
}

@Injectable()
class BcryptApiKeyGuard implements CanActivate {
  constructor(private readonly table: ApiKeyTable) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<BenchRequest>();
    const parsed = parseApiKey(bearerOf(request));
    const stored = parsed ? this.table.find(parsed.id) : undefined;
    if (!parsed || !stored || !(await bcrypt.compare(parsed.secret, stored.hash))) {
      throw new UnauthorizedException();
    }
    request.benchCaller = { userId: stored.userId };
    return true;
  }
}

@Controller('bench')
class BenchController {
  @Public()
  @Get('none')
  none(@Req() _request: Request): { ok: true; userId: string } {
    return { ok: true, userId: 'anonymous' };
  }

  @Get('pat')
  pat(@Req() request: Request): { ok: true; userId: string } {
    return { ok: true, userId: principalOf(request).userId };
  }

  @Public()
  @UseGuards(JwtGuard)
  @Get('jwt')
  jwt(@Req() request: BenchRequest): { ok: true; userId: string } {
    return { ok: true, userId: request.benchCaller!.userId };
  }

  @Public()
  @UseGuards(BcryptApiKeyGuard)
  @Get('bcrypt')
  bcrypt(@Req() request: BenchRequest): { ok: true; userId: string } {
    return { ok: true, userId: request.benchCaller!.userId };
  }
}

@Module({})
export class BenchModule {
  static forRoot(options: BenchOptions): DynamicModule {
    return {
      module: BenchModule,
      controllers: [BenchController],
      providers: [
        { provide: BENCH_OPTIONS, useValue: options },
        ApiKeyTable,
        JwtGuard,
        BcryptApiKeyGuard,
      ],
    };
  }
}
