/* provision/base/clock.h — the two clocks vprov reads */
#ifndef VP_CLOCK_H
#define VP_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Monotonic milliseconds, for deadlines and durations. */
static inline int64_t vp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wall-clock milliseconds since the epoch, for records others read. */
static inline int64_t vp_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
