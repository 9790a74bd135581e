import { Pacer } from '../../../src/loaders/pacer';

/** Counts turns of the event loop (one per setImmediate round) until stopped. */
function turnCounter(): { turns: () => number; stop: () => void } {
  let turns = 0;
  let running = true;
  const tick = () => {
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return { turns: () => turns, stop: () => (running = false) };
}

const numbers = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('Pacer.slices: how a list reaches the executor', () => {
  test('a short list is handed over as it is, at once', () => {
    const items = numbers(100);
    expect(new Pacer().slices(items)).toBe(items);
  });

  test('a long list waits for a turn of the event loop of its own, then comes whole', async () => {
    const counter = turnCounter();
    const handed = new Pacer().slices(numbers(150));
    expect(handed).toBeInstanceOf(Promise);
    const before = counter.turns();
    const items = await handed;
    counter.stop();
    expect(counter.turns()).toBeGreaterThan(before);
    expect(items).toEqual(numbers(150));
  });

  test('of a very long list, each further 2,500 items wait for another turn, in order', async () => {
    const counter = turnCounter();
    const items = await new Pacer().slices(numbers(5_050));
    expect(items.slice(0, 2_500)).toEqual(numbers(2_500));
    expect(items.slice(2_500).every((item) => item instanceof Promise)).toBe(true);
    const second = counter.turns();
    expect(await items[2_500]).toBe(2_500);
    const third = counter.turns();
    expect(await items[5_000]).toBe(5_000);
    counter.stop();
    expect(third).toBeGreaterThan(second);
    expect(counter.turns()).toBeGreaterThan(third);
    expect(await Promise.all(items)).toEqual(numbers(5_050));
  });

  test('the loaders dispatch only once every slice of every list was handed out: their children are one batch', async () => {
    const pacer = new Pacer();
    const lists = [pacer.slices(numbers(20_050)), pacer.slices(numbers(150))];
    const handedOut: number[] = [];
    for (const list of lists) void Promise.resolve(list).then((items) => Promise.all(items)).then((items) => handedOut.push(items.length));
    const dispatched = new Promise<number[]>((resolve) => pacer.schedule(() => resolve([...handedOut])));
    expect((await dispatched).sort((a, b) => a - b)).toEqual([150, 20_050]);
  });
});
