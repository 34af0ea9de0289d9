import Testing

@testable import StepgateProbe

/// The `load:` settings and the latency histogram's fixed buckets.
@Suite struct LoadPlanTests {
    @Test func settings_empty_isOneUserForThirtySeconds() throws {
        let plan = try LoadPlan(settings: [:])
        #expect(plan == LoadPlan())
        #expect(plan.users == 1 && plan.limit == .duration(.seconds(30)) && plan.warmUp == .zero)
    }

    @Test func settings_everyKey_mapsToItsField() throws {
        #expect(
            try LoadPlan(settings: ["users": "8", "duration": "2m", "warm_up": "5s"])
                == LoadPlan(users: 8, limit: .duration(.seconds(120)), warmUp: .seconds(5))
        )
        #expect(try LoadPlan(settings: ["iterations": "50", "warm_up": "0"]).limit == .iterations(50))
    }

    @Test func settings_everyProblem_isListedWithItsKey() {
        #expect {
            try LoadPlan(settings: ["users": "0", "warm_up": "-1s", "iterations": "lots", "think_time": "1s"])
        } throws: { error in
            guard let error = error as? LoadError, error.code == .invalidSettings else { return false }
            let keys = ["load.users:", "load.warm_up:", "load.iterations:", "load.think_time: unknown key"]
            return error.problems.count == keys.count
                && keys.allSatisfy { key in error.problems.contains { $0.hasPrefix(key) } }
        }
    }

    @Test(arguments: [["duration": "30s", "iterations": "10"], ["duration": "0"]])
    func settings_badLimit_isAProblem(settings: [String: String]) {
        #expect(throws: LoadError.self) { try LoadPlan(settings: settings) }
    }

    @Test func histogram_bucketsStepOneTwoFivePerDecade() {
        #expect(LoadHistogram.bounds.count == 18)
        #expect(LoadHistogram.bounds.first == .microseconds(100))
        #expect(LoadHistogram.bounds.last == .seconds(50))
        #expect(LoadHistogram.bounds == LoadHistogram.bounds.sorted())
        #expect(LoadHistogram().counts.count == 19)
    }

    @Test(arguments: [
        (Duration.zero, 0), (.microseconds(100), 0), (.microseconds(101), 1), (.milliseconds(1), 3),
        (.milliseconds(3), 5), (.seconds(50), 17), (.seconds(51), 18), (.seconds(100_000), 18),
    ])
    func histogram_bucketHoldsLatenciesUpToItsBound(latency: Duration, bucket: Int) {
        #expect(LoadHistogram.bucket(for: latency) == bucket)
    }

    @Test func histogram_labelsNameTheUpperBound() {
        let labels = (0...18).map(LoadHistogram.label(forBucket:))
        #expect(labels.prefix(4) == ["100µs", "200µs", "500µs", "1ms"])
        #expect(labels[12] == "1s")
        #expect(labels.last == ">50s")
    }

    @Test func histogram_recordsAndMerges() {
        var first = LoadHistogram()
        first.record(.milliseconds(1))
        first.record(.seconds(60))
        var second = LoadHistogram()
        second.record(.milliseconds(1))
        first.merge(second)
        #expect(first.total == 3)
        #expect(first.counts[3] == 2 && first.counts[18] == 1)
    }
}
