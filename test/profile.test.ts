// Workspace profile: precedence of flags, config and environment; normalisation to lower case; and
// validation errors that name the flag, variable or config key and the rule broken.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUsageError, UsageError } from '../src/errors.js';
import { CLOUDS, CLOUD_KEYS, CLOUD_NAMES, cloudValue, parseCloud } from '../src/azure/clouds.js';
import { buildProfile, parseRegistrySpec, PROFILE_FIELDS } from '../src/plan/profile.js';
import type { WorkspaceProfile } from '../src/model/profile.js';

const GUID = '52882c08-ead2-44aa-af65-08a75cf094bd';

/** Runs fn and returns the UsageError it must throw. */
function usageErrorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    assert.ok(isUsageError(error), `expected a UsageError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a UsageError, nothing was thrown');
}

describe('buildProfile precedence', () => {
  it('takes flag over config over env over default, field by field, and reports the origin', () => {
    const { profile, origin } = buildProfile({
      flags: { region: 'westeurope' },
      config: { region: 'northeurope', workspaceName: 'from-config', keyVault: 'kv-config' },
      env: { AMLPROBE_REGION: 'eastus', AMLPROBE_WORKSPACE_NAME: 'from-env', AMLPROBE_WORKSPACE_ID: GUID, AMLPROBE_KEY_VAULT: 'kv-env' },
    });
    assert.deepEqual(profile, { cloud: 'public', region: 'westeurope', workspaceName: 'from-config', workspaceId: GUID, keyVault: 'kv-config' });
    assert.deepEqual(origin, { cloud: 'default', region: 'flag', workspaceName: 'config', workspaceId: 'env', keyVault: 'config' });
  });

  it('defaults only the cloud; every other field stays unknown', () => {
    const { profile, origin } = buildProfile({ flags: {}, env: {} });
    assert.deepEqual(profile, { cloud: 'public' });
    assert.deepEqual(origin, { cloud: 'default' });
  });

  it('treats an empty environment variable as unset', () => {
    const { profile } = buildProfile({ flags: {}, env: { AMLPROBE_REGION: '', AMLPROBE_CLOUD: '  ' } });
    assert.deepEqual(profile, { cloud: 'public' });
  });

  it('reads every documented AMLPROBE_* variable', () => {
    const { profile } = buildProfile({
      flags: {},
      env: {
        AMLPROBE_CLOUD: 'AzureUSGovernment',
        AMLPROBE_REGION: 'usgovvirginia',
        AMLPROBE_WORKSPACE_NAME: 'ws1',
        AMLPROBE_WORKSPACE_ID: GUID,
        AMLPROBE_STORAGE_ACCOUNT: 'stora, storb',
        AMLPROBE_KEY_VAULT: 'my-kv',
        AMLPROBE_CONTAINER_REGISTRY: 'myacr01',
        AMLPROBE_COMPUTE_INSTANCE: 'ci-01a',
        AMLPROBE_PRIVATE_ENDPOINTS: 'FALSE',
        AMLPROBE_REGISTRY: 'reg-a@usgovarizona,reg-b',
      },
    });
    assert.deepEqual(profile, {
      cloud: 'usgov',
      region: 'usgovvirginia',
      workspaceName: 'ws1',
      workspaceId: GUID,
      storageAccounts: ['stora', 'storb'],
      keyVault: 'my-kv',
      containerRegistry: 'myacr01',
      computeInstance: 'ci-01a',
      registries: [{ name: 'reg-a', region: 'usgovarizona' }, { name: 'reg-b' }],
      privateEndpoints: false,
    });
  });
});

describe('buildProfile normalisation', () => {
  it('lower-cases names, regions and GUIDs (Azure DNS names are case-insensitive)', () => {
    const { profile } = buildProfile({
      flags: {
        region: 'EastUS',
        workspaceName: 'My_Workspace',
        workspaceId: GUID.toUpperCase(),
        storageAccounts: ['MyStorage', 'mystorage', 'OTHER01'],
        keyVault: 'KV-Prod',
        containerRegistry: 'MyACR001',
        computeInstance: 'Dev-CI',
      },
      env: {},
    });
    assert.equal(profile.region, 'eastus');
    assert.equal(profile.workspaceName, 'my_workspace');
    assert.equal(profile.workspaceId, GUID);
    assert.deepEqual(profile.storageAccounts, ['mystorage', 'other01'], 'duplicates after lower-casing are dropped');
    assert.equal(profile.keyVault, 'kv-prod');
    assert.equal(profile.containerRegistry, 'myacr001');
    assert.equal(profile.computeInstance, 'dev-ci');
  });

  it('accepts cloud names with the az CLI aliases, in any case', () => {
    const table: [string, string][] = [
      ['public', 'public'],
      ['AzureCloud', 'public'],
      ['AZURECLOUD', 'public'],
      ['china', 'china'],
      ['AzureChinaCloud', 'china'],
      ['usgov', 'usgov'],
      ['azureusgovernment', 'usgov'],
    ];
    for (const [input, expected] of table) {
      assert.equal(parseCloud(input), expected, input);
      assert.equal(buildProfile({ flags: {}, env: { AMLPROBE_CLOUD: input } }).profile.cloud, expected, `env ${input}`);
    }
  });

  it('parses --registry NAME[@REGION]', () => {
    assert.deepEqual(parseRegistrySpec('MyRegistry@WestEurope'), { name: 'myregistry', region: 'westeurope' });
    assert.deepEqual(parseRegistrySpec('shared-reg'), { name: 'shared-reg' });
    const error = usageErrorOf(() => parseRegistrySpec('reg@West Europe'));
    assert.equal(error.where, '--registry');
    assert.match(error.message, /did you mean 'westeurope'/);
  });

  it('accepts registries as objects in the config', () => {
    const { profile } = buildProfile({ flags: {}, config: { registries: [{ name: 'Reg1', region: 'EastUS', id: GUID.toUpperCase() }] }, env: {} });
    assert.deepEqual(profile.registries, [{ name: 'reg1', region: 'eastus', id: GUID }]);
  });
});

describe('buildProfile validation', () => {
  // Each case: where the bad value comes from, the expected `where`, and what the message must say.
  const cases: { case: string; sources: { flags?: Record<string, unknown>; config?: Record<string, unknown>; env?: NodeJS.ProcessEnv }; where: string; message: RegExp }[] = [
    { case: 'unknown cloud (flag)', sources: { flags: { cloud: 'azuregermany' } }, where: '--cloud', message: /unknown cloud 'azuregermany'.*public \(AzureCloud\), china \(AzureChinaCloud\), usgov \(AzureUSGovernment\)/ },
    { case: 'unknown cloud (env)', sources: { env: { AMLPROBE_CLOUD: 'chna' } }, where: 'AMLPROBE_CLOUD', message: /did you mean 'china'/ },
    { case: 'region display name', sources: { flags: { region: 'East US' } }, where: '--region', message: /'East US' is not a valid region \(did you mean 'eastus'\?\): .*lower-case letters and digits/ },
    { case: 'region with a dot', sources: { env: { AMLPROBE_REGION: 'eastus.api' } }, where: 'AMLPROBE_REGION', message: /not a valid region/ },
    { case: 'workspace id not a GUID (env)', sources: { env: { AMLPROBE_WORKSPACE_ID: 'my-workspace' } }, where: 'AMLPROBE_WORKSPACE_ID', message: /not a valid workspace ID: a GUID/ },
    { case: 'workspace id with a missing digit', sources: { flags: { workspaceId: GUID.slice(1) } }, where: '--workspace-id', message: /GUID/ },
    { case: 'workspace name with a dot', sources: { config: { workspaceName: 'my.ws' } }, where: 'workspace.workspaceName', message: /not a valid workspace name: 3-33/ },
    { case: 'storage account too short', sources: { flags: { storageAccounts: ['ab'] } }, where: '--storage-account', message: /'ab' is not a valid storage account name: 3-24 lower-case letters and digits/ },
    { case: 'storage account given as a URL', sources: { env: { AMLPROBE_STORAGE_ACCOUNT: 'good1,acct.blob.core.windows.net' } }, where: 'AMLPROBE_STORAGE_ACCOUNT', message: /not its URL/ },
    { case: 'storage account with a hyphen', sources: { config: { storageAccounts: ['my-storage'] } }, where: 'workspace.storageAccounts', message: /storage account name/ },
    { case: 'key vault too long', sources: { flags: { keyVault: 'a'.repeat(25) } }, where: '--key-vault', message: /3-24 letters, digits and hyphens/ },
    { case: 'key vault with underscore', sources: { env: { AMLPROBE_KEY_VAULT: 'my_kv' } }, where: 'AMLPROBE_KEY_VAULT', message: /key vault name/ },
    { case: 'ACR too short', sources: { flags: { containerRegistry: 'acr1' } }, where: '--container-registry', message: /5-50 letters and digits/ },
    { case: 'ACR with hyphen', sources: { config: { containerRegistry: 'my-acr-01' } }, where: 'workspace.containerRegistry', message: /container registry name/ },
    { case: 'compute instance starting with a digit', sources: { flags: { computeInstance: '1ci' } }, where: '--compute-instance', message: /starting with a letter/ },
    { case: 'private endpoints not a boolean', sources: { env: { AMLPROBE_PRIVATE_ENDPOINTS: 'yes' } }, where: 'AMLPROBE_PRIVATE_ENDPOINTS', message: /expected true or false, got 'yes'/ },
    { case: 'empty flag value', sources: { flags: { region: '' } }, where: '--region', message: /needs a value/ },
    { case: 'wrong type in config', sources: { config: { region: 42 } }, where: 'workspace.region', message: /expected a string, got number/ },
  ];
  for (const c of cases) {
    it(c.case, () => {
      const error = usageErrorOf(() =>
        buildProfile({ flags: (c.sources.flags ?? {}) as Partial<WorkspaceProfile>, config: c.sources.config as WorkspaceProfile | undefined, env: c.sources.env ?? {} }),
      );
      assert.equal(error.where, c.where);
      assert.match(error.message, c.message);
    });
  }

  it('does not look at a lower-precedence source once a higher one sets the field', () => {
    // A bad env value is never read when the flag gives the field: flags can override a broken environment.
    const { profile } = buildProfile({ flags: { workspaceId: GUID }, env: { AMLPROBE_WORKSPACE_ID: 'garbage' } });
    assert.equal(profile.workspaceId, GUID);
  });
});

describe('profile field table', () => {
  it('lists every field with the documented flag and environment variable', () => {
    const flags = Object.fromEntries(PROFILE_FIELDS.map((f) => [f.field, [f.flag, f.env]]));
    assert.deepEqual(flags, {
      cloud: ['--cloud', 'AMLPROBE_CLOUD'],
      region: ['--region', 'AMLPROBE_REGION'],
      workspaceName: ['--workspace-name', 'AMLPROBE_WORKSPACE_NAME'],
      workspaceId: ['--workspace-id', 'AMLPROBE_WORKSPACE_ID'],
      storageAccounts: ['--storage-account', 'AMLPROBE_STORAGE_ACCOUNT'],
      keyVault: ['--key-vault', 'AMLPROBE_KEY_VAULT'],
      containerRegistry: ['--container-registry', 'AMLPROBE_CONTAINER_REGISTRY'],
      computeInstance: ['--compute-instance', 'AMLPROBE_COMPUTE_INSTANCE'],
      registries: ['--registry', 'AMLPROBE_REGISTRY'],
      privateEndpoints: ['--private-endpoints', 'AMLPROBE_PRIVATE_ENDPOINTS'],
      managedNetwork: ['--managed-network', 'AMLPROBE_MANAGED_NETWORK'],
    });
    assert.equal(PROFILE_FIELDS.find((f) => f.field === 'registries')?.usage, '--registry NAME[@REGION]');
    assert.deepEqual(PROFILE_FIELDS.filter((f) => f.repeatable).map((f) => f.flag), ['--storage-account', '--registry']);
  });
});

describe('cloud table', () => {
  it('has a value or an explicit null for every key in every cloud', () => {
    for (const cloud of CLOUD_NAMES) {
      assert.deepEqual(Object.keys(CLOUDS[cloud]).sort(), [...CLOUD_KEYS].sort(), cloud);
      for (const key of CLOUD_KEYS) {
        const value = cloudValue(cloud, key);
        assert.ok(value === null || /^[a-z0-9.{}-]+$/.test(value), `${cloud}.${key} = ${value}`);
      }
    }
  });

  it('matches the suffix table of the reference notes for the workspace names', () => {
    const expected: Record<string, [string, string, string]> = {
      amlApiZone: ['api.azureml.ms', 'api.ml.azure.cn', 'api.ml.azure.us'],
      notebooksZone: ['notebooks.azure.net', 'notebooks.chinacloudapi.cn', 'notebooks.usgovcloudapi.net'],
      instancesZone: ['instances.azureml.ms', 'instances.azureml.cn', 'instances.azureml.us'],
      instancesZoneAlt: ['instances.ml.azure.ms', 'instances.ml.azure.ms', 'instances.ml.azure.us'],
      storageSuffix: ['core.windows.net', 'core.chinacloudapi.cn', 'core.usgovcloudapi.net'],
      keyVaultZone: ['privatelink.vaultcore.azure.net', 'privatelink.vaultcore.azure.cn', 'privatelink.vaultcore.usgovcloudapi.net'],
      login: ['login.microsoftonline.com', 'login.chinacloudapi.cn', 'login.microsoftonline.us'],
      graph: ['graph.windows.net', 'graph.chinacloudapi.cn', 'graph.windows.net'],
      studio: ['ml.azure.com', 'studio.ml.azure.cn', 'ml.azure.us'],
    };
    for (const [key, values] of Object.entries(expected)) {
      assert.deepEqual(CLOUD_NAMES.map((cloud) => cloudValue(cloud, key)), values, key);
    }
  });

  it('throws a plain Error (a catalog bug) for an unknown key, with a suggestion', () => {
    assert.throws(() => cloudValue('public', 'amlApiZon'), (error: unknown) => !isUsageError(error) && /did you mean 'amlApiZone'/.test(String(error)));
  });
});

describe('the region tells the cloud, and a region of no cloud is refused', () => {
  const build = (flags: Partial<WorkspaceProfile>, env: NodeJS.ProcessEnv = {}) => buildProfile({ flags, env });

  it('chinaeast2 without --cloud is 21Vianet; usgovvirginia and usdodeast are US Government; origin "region"', () => {
    for (const [region, cloud] of [['chinaeast2', 'china'], ['chinanorth3', 'china'], ['usgovvirginia', 'usgov'], ['usdodeast', 'usgov']] as const) {
      const { profile, origin } = build({ region });
      assert.equal(profile.cloud, cloud, region);
      assert.equal(origin.cloud, 'region', region);
    }
  });

  it('a public region keeps the default cloud and its origin', () => {
    const { profile, origin } = build({ region: 'westeurope' });
    assert.deepEqual([profile.cloud, origin.cloud], ['public', 'default']);
  });

  it('a given cloud that agrees with the region is kept as given', () => {
    const { profile, origin } = build({ cloud: 'china', region: 'chinaeast2' });
    assert.deepEqual([profile.cloud, origin.cloud], ['china', 'flag']);
  });

  const refused: { case: string; flags: Partial<WorkspaceProfile>; env?: NodeJS.ProcessEnv; where: string; message: RegExp }[] = [
    { case: 'misspelt region -> did you mean', flags: { region: 'eastuss' }, where: '--region', message: /^'eastuss' is not a region of any Azure cloud; did you mean 'eastus'\? .*az account list-locations/ },
    { case: 'misspelt China region with --cloud china', flags: { cloud: 'china', region: 'chinaeast4' }, where: '--region', message: /not a region of Azure operated by 21Vianet \(China\); did you mean 'chinaeast'/ },
    { case: 'misspelt region from the environment', flags: {}, env: { AMLPROBE_REGION: 'westeurop' }, where: 'AMLPROBE_REGION', message: /did you mean 'westeurope'/ },
    { case: 'a public region with --cloud usgov', flags: { cloud: 'usgov', region: 'eastus' }, where: '--region', message: /'eastus' is a region of Azure public cloud, not of Azure US Government \(--cloud usgov\)/ },
    { case: 'a China region with --cloud public', flags: { cloud: 'public', region: 'chinaeast2' }, where: '--region', message: /'chinaeast2' is a region of Azure operated by 21Vianet \(China\), not of Azure public cloud/ },
    { case: 'a registry in another cloud than the workspace', flags: { region: 'chinaeast2', registries: [{ name: 'reg1', region: 'eastus' }] }, where: '--registry', message: /'eastus' is a region of Azure public cloud, not of Azure operated by 21Vianet \(China\) \(the region chinaeast2\)/ },
    { case: 'a misspelt registry region', flags: { registries: [{ name: 'reg1', region: 'swedencentrl' }] }, where: '--registry', message: /did you mean 'swedencentral'/ },
  ];
  for (const c of refused) {
    it(`exit 2: ${c.case}`, () => {
      const error = usageErrorOf(() => build(c.flags, c.env));
      assert.equal(error.where, c.where);
      assert.match(error.message, c.message);
    });
  }

  // 'mexiconorth' stands for a region Azure opens after the list was written.
  it('a region missing from the list is refused when typed, with the way to give a new one', () => {
    const error = usageErrorOf(() => build({ region: 'mexiconorth' }));
    assert.match(error.message, /^'mexiconorth' is not a region of any Azure cloud.*taken as Azure states it: from --workspace-json/);
  });

  it('the same region from the workspace JSON (Azure\'s own word) is taken as given, in the given or default cloud', () => {
    const json = { values: { region: 'mexiconorth', workspaceName: 'ws-one' }, where: { region: 'location' } };
    const { profile, origin } = buildProfile({ flags: {}, env: {}, workspaceJson: json });
    assert.deepEqual([profile.region, origin.region, profile.cloud], ['mexiconorth', 'workspace-json', 'public']);
    // A typed value still wins over the file, and is still checked.
    assert.match(usageErrorOf(() => buildProfile({ flags: { region: 'eastuss' }, env: {}, workspaceJson: json })).message, /did you mean 'eastus'/);
  });
});
