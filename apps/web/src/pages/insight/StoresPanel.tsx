import { Sparkline } from '../../components/Sparkline';
import { bytes, figure } from '../../lib/format';
import type { Machines } from './insight-types';
import { SourceSection } from './MachineParts';

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** Redis and Postgres: how big and how busy, with a short history. */
export function StoresPanel({ redis, postgres }: { redis: Machines['redis']; postgres: Machines['postgres'] }) {
  return (
    <div className="stores">
      <SourceSection title="Redis" id="machine-redis-title" source={redis} testId="machines-redis">
        <dl className="facts facts-row">
          <Fact label="Memory used" value={bytes(redis.usedMemoryBytes)} />
          <Fact label="Ops/s" value={figure(redis.opsPerSecond)} />
          <Fact label="Clients" value={figure(redis.connectedClients)} />
        </dl>
        <Sparkline
          series={[{ values: redis.history.map((point) => point.opsPerSecond), tone: 'active' }]}
          label={`Redis operations per second, last ${redis.history.length} samples`}
          width={200}
        />
      </SourceSection>
      <SourceSection title="Postgres" id="machine-postgres-title" source={postgres} testId="machines-postgres">
        <dl className="facts facts-row">
          <Fact label="Database size" value={bytes(postgres.databaseSizeBytes)} />
          <Fact label="Connections" value={figure(postgres.connections)} />
        </dl>
        <Sparkline
          series={[{ values: postgres.history.map((point) => point.connections), tone: 'active' }]}
          label={`Postgres connections, last ${postgres.history.length} samples`}
          width={200}
        />
        {postgres.tables.length > 0 && (
          <table className="table compact-table" aria-label="Biggest tables">
            <caption className="small muted">Biggest tables</caption>
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col" className="num">
                  Rows (est.)
                </th>
              </tr>
            </thead>
            <tbody>
              {postgres.tables.map((table) => (
                <tr key={table.name}>
                  <td>
                    <code>{table.name}</code>
                  </td>
                  <td className="num">{bytes(table.totalBytes)}</td>
                  <td className="num">{table.estimatedRows.toLocaleString('en')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </SourceSection>
    </div>
  );
}
