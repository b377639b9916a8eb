import { createStore } from '../../store/create-store.ts';
import { quietLog } from '../../testing/index.ts';
import { closeAndDropSchema, testDatabaseUrl, uniqueName } from '../../../test/support/servers.ts';
import { describeStoreRolesContract } from './store-roles-contract.ts';

describeStoreRolesContract('PostgreSQL', async () => {
  const store = await createStore({
    url: testDatabaseUrl,
    dataDir: '.data',
    poolMax: 4,
    schema: uniqueName('roles'),
    log: quietLog,
  });
  // The suite closes it: the schema goes with it.
  return { ...store, close: () => closeAndDropSchema(store) };
});
