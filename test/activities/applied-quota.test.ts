/** quota = ConcurrentTasks ÷ ConcurrentTasksPercentage, from the newest minute that can tell. */
import { appliedQuota } from '../../activities/applied-quota';

const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 0, minute));

test('the newest minute with tasks open gives the quota', () => {
  expect(
    appliedQuota(
      { Timestamps: [at(3), at(2)], Values: [120, 40] },
      { Timestamps: [at(3), at(2)], Values: [3, 1] },
    ),
  ).toBe(4000);
});

test('minutes without open tasks (0 ÷ 0) or without both metrics tell nothing', () => {
  expect(
    appliedQuota(
      { Timestamps: [at(5), at(4), at(1)], Values: [0, 30, 12] },
      { Timestamps: [at(5), at(1)], Values: [0, 30] },
    ),
  ).toBe(40);
  expect(
    appliedQuota({ Timestamps: [at(1)], Values: [0] }, { Timestamps: [at(1)], Values: [0] }),
  ).toBeUndefined();
  expect(appliedQuota(undefined, undefined)).toBeUndefined();
});
