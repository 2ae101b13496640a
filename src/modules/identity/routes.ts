import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ctxOf } from '../../platform/context.js';
import type { AnyDb } from '../../platform/db.js';
import { actorOf, type AuthGuard } from '../../platform/http/auth.js';
import { problems } from '../../platform/http/problem.js';
import * as auth from './auth-service.js';
import * as profile from './profile-service.js';
import { ProfileReads } from './profile-reads.js';
import * as users from './users-service.js';
import * as reset from './password-reset-service.js';
import {
  Address,
  AddressBody,
  AddressPatch,
  Accepted,
  PasswordResetBody,
  PasswordResetConfirmBody,
  AdminUserPatch,
  AuthResult,
  IdParams,
  Jwks,
  ListQuery,
  LoginBody,
  RefreshBody,
  RegisterBody,
  UpdateMeBody,
  User,
  UserListQuery,
  page,
} from './schemas.js';
import type { TokenService } from './tokens.js';

/** Runs after every successful sign-in; its failure is logged and never fails the sign-in. */
export type AfterLogin = (input: { userId: string; cartId?: string; requestId: string }) => Promise<void>;

export interface IdentityRouteDeps {
  db: AnyDb;
  guard: AuthGuard;
  auth: auth.AuthDeps;
  tokens: TokenService;
  authRateLimit: number;
  afterLogin?: AfterLogin;
  /**
   * Starts following the access-token revocations other processes make (`RevokedSessions.follow`);
   * the routes follow them while the app is open and stop when it closes.
   */
  followRevocations?: () => Promise<() => Promise<void>>;
}

export function identityRoutes(deps: IdentityRouteDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(User);
    app.addSchema(Address);
    const { guard, db } = deps;
    if (deps.followRevocations) {
      const stop = await deps.followRevocations();
      app.addHook('onClose', stop);
    }
    const profiles = new ProfileReads(db);
    const tight = { rateLimit: { max: deps.authRateLimit, timeWindow: 60_000 } };
    const tags = ['identity'];
    const bearer = [{ bearer: [] }];

    app.post(
      '/v1/auth/register',
      {
        config: tight,
        schema: { tags, body: RegisterBody, response: { 201: AuthResult, ...problems(400, 409, 413, 429) } },
      },
      async (req, reply) => {
        const result = await auth.register(ctxOf(req, db), deps.auth, {
          ...req.body,
          role: req.body.role ?? 'buyer',
        });
        return reply.code(201).send(result);
      },
    );

    app.post(
      '/v1/auth/login',
      {
        config: tight,
        schema: { tags, body: LoginBody, response: { 200: AuthResult, ...problems(400, 401, 403, 429) } },
      },
      async (req) => {
        const { cartId, ...credentials } = req.body;
        const result = await auth.login(ctxOf(req, db), deps.auth, credentials);
        if (deps.afterLogin) {
          try {
            await deps.afterLogin({ userId: result.user.id, cartId, requestId: req.id });
          } catch (err) {
            req.log.error({ err, userId: result.user.id, cartId }, 'after-login hook failed');
          }
        }
        return result;
      },
    );

    app.post(
      '/v1/auth/refresh',
      {
        config: tight,
        schema: { tags, body: RefreshBody, response: { 200: AuthResult, ...problems(400, 401, 429) } },
      },
      async (req) => auth.refresh(ctxOf(req, db), deps.auth, req.body.refreshToken),
    );

    app.post(
      '/v1/auth/password-reset',
      {
        config: tight,
        schema: { tags, body: PasswordResetBody, response: { 202: Accepted, ...problems(400, 429) } },
      },
      async (req, reply) => {
        await reset.requestPasswordReset(ctxOf(req, db), req.body);
        return reply.code(202).send({ status: 'accepted' as const });
      },
    );

    app.post(
      '/v1/auth/password-reset/confirm',
      {
        config: tight,
        schema: {
          tags,
          body: PasswordResetConfirmBody,
          response: { 204: Type.Null(), ...problems(400, 429) },
        },
      },
      async (req, reply) => {
        await reset.confirmPasswordReset(ctxOf(req, db), deps.auth, req.body);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/v1/auth/logout',
      {
        preHandler: guard.requireUser,
        schema: { tags, security: bearer, response: { 204: Type.Null(), ...problems(401) } },
      },
      async (req, reply) => {
        await auth.logout(ctxOf(req, db), actorOf(req).sessionId);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/.well-known/jwks.json',
      {
        schema: { tags, response: { 200: Jwks } },
      },
      async (_req, reply) => {
        reply.header('cache-control', 'public, max-age=300');
        return deps.tokens.jwks();
      },
    );

    app.get(
      '/v1/me',
      {
        preHandler: guard.requireUser,
        schema: { tags, security: bearer, response: { 200: User, ...problems(401, 404) } },
      },
      async (req) => profile.getMe(ctxOf(req, db), profiles),
    );

    app.patch(
      '/v1/me',
      {
        preHandler: guard.requireUser,
        schema: {
          tags,
          security: bearer,
          body: UpdateMeBody,
          response: { 200: User, ...problems(400, 401) },
        },
      },
      async (req) => {
        const me = await profile.updateMe(ctxOf(req, db), deps.auth, req.body);
        profiles.changed(me.id);
        return me;
      },
    );

    app.get(
      '/v1/me/addresses',
      {
        preHandler: guard.requireUser,
        schema: {
          tags,
          security: bearer,
          querystring: ListQuery,
          response: { 200: page(Address), ...problems(400, 401) },
        },
      },
      async (req) => profile.listAddresses(ctxOf(req, db), req.query),
    );

    app.post(
      '/v1/me/addresses',
      {
        preHandler: guard.requireUser,
        schema: {
          tags,
          security: bearer,
          body: AddressBody,
          response: { 201: Address, ...problems(400, 401, 409) },
        },
      },
      async (req, reply) => reply.code(201).send(await profile.addAddress(ctxOf(req, db), req.body)),
    );

    app.patch(
      '/v1/me/addresses/:id',
      {
        preHandler: guard.requireUser,
        schema: {
          tags,
          security: bearer,
          params: IdParams,
          body: AddressPatch,
          response: { 200: Address, ...problems(400, 401, 404) },
        },
      },
      async (req) => profile.changeAddress(ctxOf(req, db), req.params.id, req.body),
    );

    app.delete(
      '/v1/me/addresses/:id',
      {
        preHandler: guard.requireUser,
        schema: {
          tags,
          security: bearer,
          params: IdParams,
          response: { 204: Type.Null(), ...problems(400, 401, 404) },
        },
      },
      async (req, reply) => {
        await profile.removeAddress(ctxOf(req, db), req.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/v1/admin/users',
      {
        preHandler: guard.requireRole('admin'),
        schema: {
          tags: ['admin'],
          security: bearer,
          querystring: UserListQuery,
          response: { 200: page(User), ...problems(400, 401, 403) },
        },
      },
      async (req) => users.listUsers(ctxOf(req, db), req.query),
    );

    app.patch(
      '/v1/admin/users/:id',
      {
        preHandler: guard.requireRole('admin'),
        schema: {
          tags: ['admin'],
          security: bearer,
          params: IdParams,
          body: AdminUserPatch,
          response: { 200: User, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req) => {
        const user = await users.changeUser(
          ctxOf(req, db),
          { revoked: deps.tokens.revoked },
          req.params.id,
          req.body,
        );
        profiles.changed(user.id);
        return user;
      },
    );
  };
}
