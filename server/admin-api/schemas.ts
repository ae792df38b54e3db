import { z } from 'zod';
import { KeyOptions, ModelId, ProviderId } from '../../shared/contract/index.js';

// eslint-disable-next-line no-control-regex
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

export const Name = z.string().trim().min(1, 'must not be empty').max(100).regex(NO_CONTROL, 'remove line breaks and control characters');

export const CreateMember = z
  .object({
    name: Name,
    role: z.enum(['member', 'admin']).default('member'),
    /** The token stops working this many days from now; none: until revoked. */
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

export const IssueToken = z.object({ expiresInDays: z.number().int().min(1).max(3650).optional() }).strict();

export const SetLimits = z
  .object({
    dailyTokens: z.number().int().nonnegative().max(1e15).nullable().optional(),
    monthlyUsd: z.number().nonnegative().max(1e7).nullable().optional(),
  })
  .strict();

export const AddKey = z
  .object({
    provider: ProviderId,
    secret: z.string().max(4096),
    baseUrl: z.string().max(2048).optional(),
    label: z.string().max(100).optional(),
    options: KeyOptions.optional(),
  })
  .strict();

export const ModelRefSchema = z.object({ provider: ProviderId, model: ModelId.regex(NO_CONTROL, 'remove control characters') }).strict();

export const SetModels = z
  .object({
    default: ModelRefSchema,
    allowed: z.array(ModelRefSchema).max(200).optional(),
  })
  .strict();

export const UpdateTeam = z
  .object({
    name: Name.optional(),
    timeZone: z.string().min(1).max(64).optional(),
    monthlyUsd: z.number().nonnegative().max(1e9).nullable().optional(),
  })
  .strict();

export const IdParam = z.object({ id: z.uuid({ message: 'not a valid id' }) });
