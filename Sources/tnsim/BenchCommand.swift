import Deployment
import Foundation
import TrueNorth
import TrueNorthIO

let benchCommand = Command(
  name: "bench",
  summary: "Run the benchmark workloads single-threaded and on all processors; print throughput and memory.",
  usage: "bench [NAME ...] [--threads 1|all|both] [--ticks N] [--json] [--files DIR]",
  details: """
    Workloads (deterministic, generated): \(Benchmark.allCases.map(\.rawValue).joined(separator: ", ")) (docs/benchmarks.md);
    file workloads, timed once whatever --threads says: \(FileBenchmark.allCases.map(\.rawValue).joined(separator: ", ")).
    Without NAME every workload runs. Each reports ticks, synaptic events and spikes per second, ns per synaptic
    event, frames per second for the MNIST workloads, simulator state and the process's peak resident memory.
    """,
  options: [
    Option(name: "threads", value: "1|all|both", help: "single thread, all processors, or both (default both)"),
    Option(name: "ticks", value: "N", help: "override the ticks (or frames) of every workload"),
    Option(name: "json", value: nil, help: "print one JSON object per line"),
    Option(name: "files", value: "DIR", help: "write the file workloads' files to DIR and keep them (default: a temporary folder)"),
  ],
  run: { args in
    var names: [Benchmark] = []
    var files: [FileBenchmark] = []
    for p in args.positional {
      if let b = Benchmark(rawValue: p) {
        names.append(b)
      } else if let f = FileBenchmark(rawValue: p) {
        files.append(f)
      } else {
        let allowed = (Benchmark.allCases.map(\.rawValue) + FileBenchmark.allCases.map(\.rawValue)).joined(separator: ", ")
        throw UsageError(value: p, allowed: allowed, message: "no such benchmark; use one of \(allowed)", arguments: p)
      }
    }
    if names.isEmpty && files.isEmpty {
      names = Benchmark.allCases
      files = FileBenchmark.allCases
    }
    let threads: [Int]
    switch args.string("threads") ?? "both" {
    case "1": threads = [1]
    case "all": threads = [0]
    case "both": threads = [1, 0]
    case let t: throw UsageError(flag: "threads", value: t, allowed: "1, all, both", message: "'\(t)' is not allowed; use 1, all or both")
    }
    let ticks = try args.int("ticks", in: 1...10_000_000)
    if !args.flag("json") && !names.isEmpty {
      print("workload       threads  cores   ticks/s   frames/s  synaptic events/s  spikes/s  ns/event  state MiB  peak RSS MiB")
    }
    for b in names {
      for t in threads {
        let r = try b.run(threads: t, ticks: ticks)
        if args.flag("json") {
          print(r.json)
        } else {
          let frames = r.frames > 0 ? String(format: "%.0f", r.framesPerSecond) : "-"
          print(r.name.padding(toLength: 14, withPad: " ", startingAt: 0)
            + String(format: " %7d %6d %9.1f ", r.threads, r.cores, r.ticksPerSecond)
            + String(repeating: " ", count: max(0, 10 - frames.count)) + frames
            + String(format: " %18.3g %9.3g %9.2f %10.1f %13.1f", r.synapticEventsPerSecond, r.spikesPerSecond, r.nsPerSynapticEvent,
              Double(r.stateBytes) / 1_048_576, Double(r.peakResidentBytes) / 1_048_576))
        }
      }
    }
    if !files.isEmpty {
      let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
      // The whole-process step of ranc-5core-files: `tnsim run` as users run it.
      let runProcess = { (model: String, input: String, output: String) throws in
        let status = spawnAndWait(executable, ["run", model, "--input", input, "--output", output, "--threads", "1", "--json"])
        guard status == 0 else {
          throw InputError(file: executable, message: "tnsim run exited with status \(status)")
        }
      }
      let kept = args.string("files")
      let directory = kept ?? FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-bench-\(getpid())").path
      if !args.flag("json") {
        if !names.isEmpty { print("") }
        print("file workload (median of the runs)              seconds       MB/s   records/s  peak RSS MiB")
      }
      for f in files {
        for r in try f.run(directory: directory, keep: kept != nil, runProcess: runProcess) {
          if args.flag("json") {
            print(r.json)
          } else {
            let rate = r.bytes > 0 ? String(format: "%.1f", r.megabytesPerSecond) : "-"
            print(r.name.padding(toLength: 46, withPad: " ", startingAt: 0) + String(format: " %9.4f ", r.seconds)
              + String(repeating: " ", count: max(0, 10 - rate.count)) + rate
              + String(format: " %11.3g %13.1f", r.recordsPerSecond, Double(r.peakResidentBytes) / 1_048_576))
          }
        }
      }
    }
    return 0
  })

/// Runs `executable` with `arguments`, its standard output and error sent to /dev/null, and waits
/// for it: `posix_spawn` and `waitpid`, so that the time measured is the process's own (Foundation's
/// `Process` adds several milliseconds of its own to each run on Linux).
/// - Returns: the exit status, or -1 when the process could not be started or did not exit.
func spawnAndWait(_ executable: String, _ arguments: [String]) -> Int32 {
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
  let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
  defer { for a in argv { free(a) } }
  var pid: pid_t = 0
  guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else { return -1 }
  var status: Int32 = 0
  while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
  // Exited normally: the low 7 bits are 0 and the status is in the next 8.
  return status & 0x7F == 0 ? status >> 8 & 0xFF : -1
}
