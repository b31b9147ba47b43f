import { batchedLogWriter, type Stream } from '../../server/log-writer';

describe("the server's batched log writer", () => {
  const writer = () => {
    const writes: [Stream, string][] = [];
    const turns: (() => void)[] = [];
    const lines = batchedLogWriter(
      (stream, text) => writes.push([stream, text]),
      (flush) => turns.push(flush),
    );
    return { lines, writes, turns };
  };

  it('writes the lines of one turn in one write per stream, in order, warnings and errors to stderr', () => {
    const { lines, writes, turns } = writer();
    lines.write('{"n":1}', 'info');
    lines.write('{"n":2}', 'warn');
    lines.write('{"n":3}', 'debug');
    lines.write('{"n":4}', 'error');
    expect(writes).toEqual([]);
    expect(turns).toHaveLength(1);
    turns[0]?.();
    expect(writes).toEqual([
      ['stdout', '{"n":1}\n{"n":3}\n'],
      ['stderr', '{"n":2}\n{"n":4}\n'],
    ]);
  });

  it('schedules again after a flush, and flush() at exit writes what is pending at once', () => {
    const { lines, writes, turns } = writer();
    lines.write('a', 'info');
    turns[0]?.();
    lines.write('b', 'info');
    expect(turns).toHaveLength(2);
    lines.flush();
    expect(writes).toEqual([
      ['stdout', 'a\n'],
      ['stdout', 'b\n'],
    ]);
    // The scheduled turn finds nothing left.
    turns[1]?.();
    expect(writes).toHaveLength(2);
  });
});
