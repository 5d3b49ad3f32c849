import { userIdSchema } from '@switchboard/identity';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { parsed } from '../../trpc/parsed.js';
import { publicProcedure } from '../../trpc/procedures.js';
import { userExists } from '../users/users.repo.js';

export const devRouter = {
  /** Dev mode only: a token for one of the seeded people, so the console can sign in without an IdP. */
  signIn: publicProcedure
    .meta({
      who: 'anyone, with AUTH_MODE=dev only',
      reasons: ['DEV_MODE_ONLY', 'NOT_FOUND', 'INVALID_USER_ID'],
    })
    .input(parsed(z.object({ userId: userIdSchema }).strict()))
    .output(parsed(z.object({ token: z.string() })))
    .mutation(async ({ ctx, input }) => {
      const { config, tokens, db } = ctx.deps;
      if (config.AUTH_MODE !== 'dev' || !tokens.sign) {
        throw new AppError('DEV_MODE_ONLY', 'dev.signIn is only available with AUTH_MODE=dev');
      }
      if (!(await userExists(db, input.userId))) {
        throw new AppError('NOT_FOUND', `No seeded user ${input.userId}`);
      }
      return { token: await tokens.sign(input.userId) };
    }),
} satisfies TRPCRouterRecord;
