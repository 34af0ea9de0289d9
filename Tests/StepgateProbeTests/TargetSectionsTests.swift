import Foundation
import StepgateProbe
import Testing

@Suite struct TargetSectionsTests {
    private func parse(_ sections: String) throws(TargetFileError) -> TargetDescription {
        let text = TargetDescriptionTests.minimal + "\n" + sections
        return try TargetDescription.parse(Array(text.utf8), environment: TargetDescriptionTests.environment)
    }

    private func problems(_ sections: String) -> [String] {
        do {
            _ = try parse(sections)
            return []
        } catch {
            return error.problems
        }
    }

    @Test func parse_withoutSectionsHasNoNetworkAndNoLoad() throws {
        let target = try parse("")
        #expect(target.network == nil)
        #expect(target.load == nil)
    }

    @Test func parse_readsTheNetworkSectionWithItsNestedStall() throws {
        let target = try parse(
            """
            network:
              seed: 7
              latency_ms: 50
              jitter_ms: 20
              bandwidth_kbps: 256
              stall:
                direction: request
                duration_ms: 1500
              drop_response_after_server: reset
            """
        )
        var expected = FaultPlan()
        expected.seed = 7
        expected.latency = .milliseconds(50)
        expected.jitter = .milliseconds(20)
        expected.bandwidthBytesPerSecond = 32_000
        expected.stall = FaultPlan.Stall(direction: .request, afterBytes: 0, duration: .milliseconds(1500))
        expected.dropResponse = FaultPlan.DropResponse(ending: .reset)
        #expect(target.network == expected)
    }

    @Test func parse_readsTheLoadSection() throws {
        let target = try parse("load:\n  users: 8\n  iterations: 20\n  warm_up: 5s\n")
        #expect(target.load == LoadPlan(users: 8, limit: .iterations(20), warmUp: .seconds(5)))
    }

    @Test func parse_anEmptyNetworkSectionIsAPassThroughProxy() throws {
        #expect(try parse("network: {}\n").network == FaultPlan())
    }

    @Test func problems_nameEachKeyWithItsLine() {
        let found = problems(
            """
            network:
              latency_ms: slow
              stall:
                after_bytes: -1
              colour: red
            load:
              users: 0
              duration: 5s
              iterations: 3
            """
        )
        #expect(
            Set(found) == [
                "network.latency_ms (line 5): expected a whole number from 0 to 600000, got \"slow\"",
                "network.stall.after_bytes (line 7): expected a whole number from 0 to 9223372036854775807, got \"-1\"",
                "network.colour (line 8): unknown key",
                "load.users (line 10): expected a whole number from 1 to 1024, got \"0\"",
                "load.iterations (line 12): expected either duration or iterations, not both",
            ]
        )
    }

    @Test func problems_sectionsThatAreNotMappingsOrHoldLists() {
        let found = problems("network: [1, 2]\nload:\n  users: [1]\n")
        #expect(found.contains("network (line 4): expected a mapping"))
        #expect(found.contains("load.users (line 6): expected a single value, not a list"))
    }

    @Test func loadArgument_givesUsersAndDuration() throws {
        #expect(try LoadPlan(argument: "4") == LoadPlan(users: 4, limit: .duration(.seconds(30))))
        #expect(try LoadPlan(argument: "4:5s") == LoadPlan(users: 4, limit: .duration(.seconds(5))))
    }

    @Test(arguments: ["0", "x", "4:", "4:soon", "2000:5s"])
    func loadArgument_refusesWhatIsNotUsersAndDuration(_ text: String) {
        #expect(throws: LoadError.self) { try LoadPlan(argument: text) }
    }
}
