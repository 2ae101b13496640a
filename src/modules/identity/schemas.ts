import { Type, type Static } from 'typebox';
import { COUNTRY_FORMAT } from '../../platform/countries.js';

const Email = Type.String({
  format: 'email',
  maxLength: 254,
  description: 'Case-insensitive; stored lower-cased',
});
const Password = Type.String({ minLength: 1, maxLength: 1024 });
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Id = Type.String({ format: 'uuid' });
const RoleSchema = Type.Union([Type.Literal('buyer'), Type.Literal('seller'), Type.Literal('admin')]);

export const User = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    disabled: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'User' },
);
export type User = Static<typeof User>;

export const AuthResult = Type.Object({
  user: Type.Ref('User'),
  accessToken: Type.String(),
  refreshToken: Type.String(),
  expiresIn: Type.Integer({ description: 'Seconds until the access token expires' }),
});

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Password,
    name: Name,
    role: Type.Optional(Type.Union([Type.Literal('buyer'), Type.Literal('seller')], { default: 'buyer' })),
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object(
  {
    email: Email,
    password: Password,
    cartId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'A guest cart to merge into your cart once signed in',
      }),
    ),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const RefreshBody = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const UpdateMeBody = Type.Object(
  {
    name: Type.Optional(Name),
    password: Type.Optional(Password),
    currentPassword: Type.Optional(Password),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateMeBody = Static<typeof UpdateMeBody>;

const AddressFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  line1: Type.String({ minLength: 1, maxLength: 200 }),
  line2: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  city: Type.String({ minLength: 1, maxLength: 100 }),
  region: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
  postalCode: Type.String({ minLength: 1, maxLength: 20 }),
  country: Type.String({ format: COUNTRY_FORMAT, description: 'ISO 3166-1 alpha-2 (an assigned code)' }),
  phone: Type.Optional(Type.Union([Type.String({ pattern: '^[+0-9 ()-]{4,30}$' }), Type.Null()])),
  isDefault: Type.Optional(Type.Boolean()),
};

export const AddressBody = Type.Object(AddressFields, { additionalProperties: false });
export type AddressBody = Static<typeof AddressBody>;
export const AddressPatch = Type.Partial(AddressBody, { additionalProperties: false, minProperties: 1 });
export type AddressPatch = Static<typeof AddressPatch>;

export const Address = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    line1: Type.String(),
    line2: Type.Union([Type.String(), Type.Null()]),
    city: Type.String(),
    region: Type.Union([Type.String(), Type.Null()]),
    postalCode: Type.String(),
    country: Type.String(),
    phone: Type.Union([Type.String(), Type.Null()]),
    isDefault: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Address' },
);
export type Address = Static<typeof Address>;

export const IdParams = Type.Object({ id: Id });

export const ListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const UserListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    role: Type.Optional(RoleSchema),
    email: Type.Optional(Type.String({ maxLength: 254, description: 'Prefix of the email address' })),
  },
  { additionalProperties: false },
);
export type UserListQuery = Static<typeof UserListQuery>;

export const AdminUserPatch = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type AdminUserPatch = Static<typeof AdminUserPatch>;

export const Jwks = Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) });

export const page = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export const PasswordResetBody = Type.Object({ email: Email }, { additionalProperties: false });

export const PasswordResetConfirmBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), password: Password },
  { additionalProperties: false },
);

export const Accepted = Type.Object({ status: Type.Literal('accepted') });
