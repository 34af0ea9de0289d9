import Testing

@testable import StepgateProbe

/// The load driver with fake operations: counts, warm-up, throughput, exact percentiles,
/// errors by kind, invariant violations, cancelling.
@Suite struct LoadDriverTests {
    private struct FakeError: Error {}

    @Test func iterations_eachUserRunsExactlyThatMany() throws {
        let driver = LoadDriver(plan: LoadPlan(users: 4, limit: .iterations(25)))

        let result = try driver.run { .success(latency: .milliseconds(10)) }

        #expect(result.users == 4)
        #expect(result.samples == 100)
        #expect(result.successes == 100 && result.failures == 0 && result.errorRate == 0)
        #expect(result.latency.p50 == .milliseconds(10) && result.latency.max == .milliseconds(10))
        #expect(result.histogram.counts[LoadHistogram.bucket(for: .milliseconds(10))] == 100)
        #expect(result.histogram.total == 100)
        #expect(driver.progress.iterations == 100)
    }

    @Test func duration_withWarmUp_discardsWarmUpAndMeasuresThroughput() throws {
        let clock = ManualLoadClock(.seconds(100))
        let plan = LoadPlan(users: 1, limit: .duration(.seconds(2)), warmUp: .seconds(1))
        let driver = LoadDriver(plan: plan, clock: clock)

        let result = try driver.run {
            clock.advance(by: .milliseconds(250))
            return .success()
        }

        // Begun at 0, 0.25, 0.5 and 0.75 s: warm-up. Begun at 1 to 2.75 s: measured. At 3 s: stop.
        #expect(result.warmUpSamples == 4)
        #expect(result.samples == 8)
        #expect(result.elapsed == .seconds(2))
        #expect(result.throughput == 4)
        #expect(result.latency.min == .milliseconds(250) && result.latency.p99 == .milliseconds(250))
    }

    @Test func percentiles_areExactNearestRankOverEverySample() throws {
        let driver = LoadDriver(plan: LoadPlan(users: 1, limit: .iterations(100)))

        let result = try driver.run(perUser: { _ in
            var iteration = 0
            return {
                // 1 to 100 ms, each once, out of order (37 and 100 share no factor).
                iteration += 1
                return .success(latency: .milliseconds(iteration * 37 % 100 + 1))
            }
        })

        #expect(result.latency.min == .milliseconds(1))
        #expect(result.latency.p50 == .milliseconds(50))
        #expect(result.latency.p90 == .milliseconds(90))
        #expect(result.latency.p99 == .milliseconds(99))
        #expect(result.latency.max == .milliseconds(100))
        #expect(result.latency.mean == .microseconds(50_500))
    }

    @Test func errors_areCountedByKind_andThrownErrorsByType() throws {
        let driver = LoadDriver(plan: LoadPlan(users: 1, limit: .iterations(9)))

        let result = try driver.run(perUser: { _ in
            var iteration = 0
            return {
                iteration += 1
                switch iteration % 3 {
                case 0: return .success()
                case 1: return .failure("http_503")
                default: throw FakeError()
                }
            }
        })

        #expect(result.successes == 3)
        #expect(result.failures == 6)
        #expect(result.errors == ["http_503": 3, "thrown.FakeError": 3])
        #expect(abs(result.errorRate - 2.0 / 3.0) < 1e-9)
        #expect(driver.progress.failures == 6)
    }

    @Test func violations_areAllCountedAndTheFirstKeptInTimeOrder() throws {
        let plan = LoadPlan(users: 2, limit: .iterations(150), warmUp: .milliseconds(1))
        let driver = LoadDriver(plan: plan)

        let result = try driver.run {
            LoadSample(outcome: .success, invariantBroken: "token issued at a lower level")
        }

        #expect(result.violationCount == result.samples + result.warmUpSamples)
        #expect(result.violationCount >= 300)
        #expect(result.violations.count == LoadResult.keptViolations)
        let times = result.violations.map(\.time)
        #expect(times == times.sorted())
        #expect(result.violations.allSatisfy { $0.note == "token issued at a lower level" })
        #expect(driver.progress.violations == result.violationCount)
    }

    @Test func perUser_givesEachUserItsOwnOperation() throws {
        let made = FaultLocked<[Int]>([])
        let driver = LoadDriver(plan: LoadPlan(users: 3, limit: .iterations(5)))

        let result = try driver.run(perUser: { user in
            made.withLock { $0.append(user) }
            return { .failure("user\(user)") }
        })

        #expect(made.withLock { $0.sorted() } == [0, 1, 2])
        #expect(result.errors == ["user0": 5, "user1": 5, "user2": 5])
    }

    @Test func cancel_stopsEveryUserAndReturnsWhatWasMeasured() throws {
        let driver = LoadDriver(plan: LoadPlan(users: 3, limit: .duration(.seconds(3600))))

        let result = try driver.run { [driver] in
            if driver.progress.iterations >= 30 { driver.cancel() }
            return .success()
        }

        #expect(result.samples >= 30)
        #expect(result.samples < 1_000_000)
    }

    @Test func invalidPlan_throwsBeforeRunningAnything() {
        let called = FaultLocked(false)
        let driver = LoadDriver(plan: LoadPlan(users: 0, limit: .iterations(0), warmUp: .seconds(-1)))

        #expect {
            try driver.run {
                called.withLock { $0 = true }
                return .success()
            }
        } throws: { error in
            (error as? LoadError)?.code == .invalidPlan && (error as? LoadError)?.problems.count == 3
        }
        #expect(!called.withLock { $0 })
    }

    @Test func noSamples_giveZeroStatistics() throws {
        let clock = ManualLoadClock()
        let plan = LoadPlan(users: 1, limit: .duration(.seconds(1)), warmUp: .seconds(5))
        let driver = LoadDriver(plan: plan, clock: clock)

        let result = try driver.run {
            clock.advance(by: .seconds(10))
            return .success()
        }

        #expect(result.samples == 0 && result.warmUpSamples == 1)
        #expect(result.throughput == 0 && result.errorRate == 0)
        #expect(result.latency == LoadResult.Latencies())
    }
}
