import { describe, expect, it } from 'vitest';
import { inverseNormalize } from './normalize.ts';

/** [class, spoken (as the formatter leaves it), written]. */
const CASES: ReadonlyArray<[string, string, string]> = [
  ['cardinal', 'There were twenty five people.', 'There were 25 people.'],
  ['cardinal', 'I counted one hundred and five birds.', 'I counted 105 birds.'],
  ['cardinal', 'We sold twelve thousand copies.', 'We sold 12,000 copies.'],
  ['cardinal', 'It cost a hundred.', 'It cost 100.'],
  ['cardinal', 'Three hundred twenty five thousand six hundred.', '325,600.'],
  ['cardinal', 'About five million people.', 'About 5 million people.'],
  ['cardinal', 'I have two cats and three dogs.', 'I have two cats and three dogs.'],
  ['cardinal', 'Fifteen hundred meters away.', '1500 m away.'],
  ['cardinal', 'Give me five, six or seven.', 'Give me five, six or seven.'],
  ['ordinal', 'It was the twenty first time.', 'It was the 21st time.'],
  ['ordinal', 'She came first.', 'She came first.'],
  ['ordinal', 'The hundredth visitor won.', 'The 100th visitor won.'],
  ['ordinal', 'Our thirteenth season.', 'Our 13th season.'],
  ['ordinal', 'The forty second floor.', 'The 42nd floor.'],
  ['decimal', 'The value is three point one four.', 'The value is 3.14.'],
  ['decimal', 'Add zero point two five of it.', 'Add 0.25 of it.'],
  ['decimal', 'Roughly one point five million users.', 'Roughly 1.5 million users.'],
  ['decimal', 'Point five of a second.', '0.5 of a second.'],
  ['money', 'It costs twenty five dollars.', 'It costs $25.'],
  ['money', 'It was one thousand two hundred dollars.', 'It was $1200.'],
  ['money', 'Thirty thousand dollars.', '$30,000.'],
  ['money', 'Pay twenty five dollars and fifty cents.', 'Pay $25.50.'],
  ['money', 'A five million dollars grant.', 'A $5 million grant.'],
  ['money', 'Only fifty cents.', 'Only 50¢.'],
  ['money', 'That is ten euros.', 'That is €10.'],
  ['money', 'One dollar.', '$1.'],
  ['money', 'Three point five dollars.', '$3.5.'],
  ['percentage', 'Sales rose fifty percent.', 'Sales rose 50%.'],
  ['percentage', 'A three point five percent rate.', 'A 3.5% rate.'],
  ['percentage', 'One hundred per cent sure.', '100% sure.'],
  ['percentage', 'Five percent.', '5%.'],
  ['date', 'It is due march third twenty twenty four.', 'It is due March 3, 2024.'],
  ['date', 'We met on the fifth of may.', 'We met on May 5.'],
  ['date', 'Born january first nineteen eighty four.', 'Born January 1, 1984.'],
  ['date', 'Since june two thousand ten.', 'Since June 2010.'],
  ['date', 'On july fourth.', 'On July 4.'],
  ['date', 'You may one day agree.', 'You may one day agree.'],
  ['date', 'October twelve was rainy.', 'October 12 was rainy.'],
  ['time', 'Meet me at three thirty p m.', 'Meet me at 3:30 PM.'],
  ['time', 'Wake up at seven a m.', 'Wake up at 7 AM.'],
  ['time', 'It starts at ten o\'clock.', 'It starts at 10:00.'],
  ['time', 'The train leaves at four fifteen.', 'The train leaves at 4:15.'],
  ['time', 'Call at twelve oh five pm.', 'Call at 12:05 PM.'],
  ['time', 'Lunch is at eleven am.', 'Lunch is at 11 AM.'],
  ['phone', 'Call five five five one two three four.', 'Call 555-1234.'],
  ['phone', 'My number is four one five five five five one two one two.', 'My number is 415-555-1212.'],
  ['phone', 'Dial one eight hundred.', 'Dial one 800.'], // not a phone number: "eight hundred" is a cardinal
  ['phone', 'Try one eight zero zero five five five zero one nine nine.', 'Try 1-800-555-0199.'],
  ['digits', 'The code is one two three four.', 'The code is 1234.'],
  ['digits', 'Room four oh two.', 'Room 402.'],
  ['digits', 'Flight nine nine.', 'Flight nine nine.'],
  ['unit', 'Run five kilometers.', 'Run 5 km.'],
  ['unit', 'It weighs twenty kilograms.', 'It weighs 20 kg.'],
  ['unit', 'Drive sixty miles per hour.', 'Drive 60 mph.'],
  ['unit', 'It is seventy degrees fahrenheit.', 'It is 70°F.'],
  ['unit', 'A sixty four gigabytes card.', 'A 64 GB card.'],
  ['unit', 'Two point five liters.', '2.5 L.'],
  ['unit', 'Ten feet tall.', '10 ft tall.'],
  ['year', 'Back in nineteen ninety nine.', 'Back in 1999.'],
  ['year', 'In twenty twenty.', 'In 2020.'],
  ['year', 'The music of the nineteen sixties.', 'The music of the 1960s.'],
  ['date', 'The war ended in may nineteen forty five.', 'The war ended in May 1945.'],
  ['date', 'We moved in march two thousand nineteen.', 'We moved in March 2019.'],
  ['none', 'Hello there.', 'Hello there.'],
  ['none', 'Twenty, thirty, forty.', '20, 30, 40.'],
  ['none', 'A point of view.', 'A point of view.'],
  ['none', 'I want one.', 'I want one.'],
  ['none', 'The second one.', 'The second one.'],
];

describe('inverseNormalize', () => {
  it.each(CASES)('%s: %s', (_kind, spoken, written) => {
    expect(inverseNormalize(spoken)).toBe(written);
  });

  it('is idempotent: written forms are left alone', () => {
    for (const [, , written] of CASES) expect(inverseNormalize(written)).toBe(written);
  });
});
