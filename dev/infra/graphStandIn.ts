/**
 * A stand-in for the Microsoft Graph Bicep extension (v1.0, 1.0.0) on machines that cannot
 * restore the real one from its container registry: the three resource types
 * infra/modules/entra.bicep declares, each with only the properties the templates write or
 * read, typed and flagged as Microsoft Graph defines them (learn.microsoft.com, "Microsoft
 * Graph Bicep" resource reference). Anything else a template writes is an unknown property
 * (BCP037) and fails the check, so the stand-in is stricter than the real types, never looser.
 * Where the real artifact is in this machine's Bicep cache, toolchain.ts uses it instead.
 */

// Bicep type-system flags (Azure.Bicep.Types): property and resource flags.
const REQUIRED = 1;
const READ_ONLY = 2;
const DEPLOY_TIME_CONSTANT = 8;
const IDENTIFIER = 16;

type TypeRef = { $ref: string };
type Property = { type: TypeRef; flags: number; description?: string };

export interface ExtensionTypes {
  index: {
    resources: Record<string, TypeRef>;
    resourceFunctions: Record<string, never>;
    settings: { name: string; version: string; isSingleton: boolean };
  };
  types: unknown[];
}

export function graphStandIn(): ExtensionTypes {
  const types: unknown[] = [];
  const add = (type: unknown): TypeRef => {
    types.push(type);
    return { $ref: `#/${types.length - 1}` };
  };
  const string = add({ $type: "StringType" });
  const boolean = add({ $type: "BooleanType" });
  const integer = add({ $type: "IntegerType" });
  const strings = add({ $type: "ArrayType", itemType: string });
  const prop = (type: TypeRef, flags = 0): Property => ({ type, flags });
  const appRole = add({
    $type: "ObjectType",
    name: "microsoft.graph.appRole",
    properties: {
      allowedMemberTypes: prop(strings),
      description: prop(string),
      displayName: prop(string),
      id: prop(string),
      isEnabled: prop(boolean),
      origin: prop(string, READ_ONLY),
      value: prop(string),
    },
  });
  const appRoles = add({ $type: "ArrayType", itemType: appRole });
  const api = add({
    $type: "ObjectType",
    name: "microsoft.graph.apiApplication",
    properties: { requestedAccessTokenVersion: prop(integer) },
  });
  const spa = add({
    $type: "ObjectType",
    name: "microsoft.graph.spaApplication",
    properties: { redirectUris: prop(strings) },
  });

  const resources: Record<string, TypeRef> = {};
  const resource = (type: string, properties: Record<string, Property>) => {
    const body = add({
      $type: "ObjectType",
      name: type,
      properties: {
        type: prop(add({ $type: "StringLiteralType", value: type }), READ_ONLY | DEPLOY_TIME_CONSTANT),
        apiVersion: prop(
          add({ $type: "StringLiteralType", value: "v1.0" }),
          READ_ONLY | DEPLOY_TIME_CONSTANT,
        ),
        id: prop(string, READ_ONLY),
        ...properties,
      },
    });
    const ref = add({ $type: "ResourceType", name: `${type}@v1.0`, scopeType: 0, body, flags: 0 });
    // The index points into types.json; refs inside types.json are local (`#/n`).
    resources[`${type}@v1.0`] = { $ref: `types.json${ref.$ref}` };
  };

  resource("Microsoft.Graph/applications", {
    uniqueName: prop(string, REQUIRED | IDENTIFIER),
    displayName: prop(string, REQUIRED),
    appId: prop(string, READ_ONLY),
    signInAudience: prop(string),
    identifierUris: prop(strings),
    api: prop(api),
    spa: prop(spa),
    appRoles: prop(appRoles),
  });
  resource("Microsoft.Graph/servicePrincipals", {
    appId: prop(string, REQUIRED | IDENTIFIER),
    appRoleAssignmentRequired: prop(boolean),
    appRoles: prop(appRoles),
    displayName: prop(string, READ_ONLY),
  });
  resource("Microsoft.Graph/appRoleAssignedTo", {
    appRoleId: prop(string, REQUIRED),
    principalId: prop(string, REQUIRED),
    resourceId: prop(string, REQUIRED),
    principalType: prop(string, READ_ONLY),
  });

  return {
    index: {
      resources,
      resourceFunctions: {},
      settings: { name: "MicrosoftGraph", version: "1.0.0", isSingleton: false },
    },
    types,
  };
}
