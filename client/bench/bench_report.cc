#include "client/bench/bench_report.h"

#include "ledger/strings.h"

namespace remit::bench {
namespace {

nlohmann::json LatencyJson(const LatencySummary& latency) {
  return {{"p50", latency.p50_us},   {"p90", latency.p90_us}, {"p99", latency.p99_us},
          {"p999", latency.p999_us}, {"max", latency.max_us}, {"mean", latency.mean_us},
          {"count", latency.count}};
}

template <typename T>
nlohmann::json Optional(const std::optional<T>& value) {
  return value.has_value() ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json LeaderKillJson(const LeaderKillReport& kill) {
  nlohmann::json json = {{"node_index", kill.node_index},
                         {"killed_at_s", kill.killed_at_s},
                         {"restarted_at_s", Optional(kill.restarted_at_s)},
                         {"baseline_tps", kill.baseline_tps},
                         {"dip_tps", kill.dip_tps},
                         {"recovery_s", Optional(kill.recovery_s)}};
  if (!kill.restart_error.empty()) json["restart_error"] = kill.restart_error;
  return json;
}

std::string CountsText(const std::map<std::string, uint64_t>& counts) {
  if (counts.empty()) return "none";
  std::string text;
  for (const auto& [name, count] : counts) {
    text += StrCat(text.empty() ? "" : ", ", name, " ", count);
  }
  return text;
}

nlohmann::json StagesJson(const std::vector<StageLatency>& stages) {
  nlohmann::json json = nlohmann::json::array();
  for (const StageLatency& stage : stages) {
    json.push_back({{"stage", stage.stage},
                    {"count", stage.count},
                    {"p50", stage.p50_us},
                    {"p99", stage.p99_us},
                    {"mean", stage.mean_us}});
  }
  return json;
}

std::string StagesText(const BenchReport& report) {
  if (report.stages.empty()) {
    return report.stages_note.empty() ? std::string()
                                      : StrCat("\n  stages     ", report.stages_note);
  }
  std::string text =
      StrCat("\n  stages     where the time went (validators' /metrics, ", report.stages_nodes,
             report.stages_nodes == 1 ? " validator" : " validators", "): p50 / p99");
  for (const StageLatency& stage : report.stages) {
    text += fmt::format("\n    {:<10} {:>10} / {:>10}  ({} transfers)", stage.stage,
                        FormatUsAsMs(stage.p50_us), FormatUsAsMs(stage.p99_us), stage.count);
  }
  if (!report.stages_note.empty()) text += StrCat("\n    note: ", report.stages_note);
  return text;
}

std::string Seconds(double seconds) { return fmt::format("{:.1f} s", seconds); }

std::string KillText(const LeaderKillReport& kill) {
  std::string text =
      StrCat("\n  leader     node ", kill.node_index, " killed at ", Seconds(kill.killed_at_s));
  text += kill.restarted_at_s ? StrCat(", answering again at ", Seconds(*kill.restarted_at_s))
                              : StrCat(", not restarted (", kill.restart_error, ")");
  text += fmt::format("\n  recovery   before {:.0f}/s, lowest second after {}/s, ",
                      kill.baseline_tps, kill.dip_tps);
  text += kill.recovery_s ? StrCat("back to 90% in ", Seconds(*kill.recovery_s))
                          : std::string("not back to 90% before the end");
  return text;
}

}  // namespace

std::string FormatUsAsMs(uint64_t us) {
  return fmt::format("{:.2f} ms", static_cast<double>(us) / 1000.0);
}

nlohmann::json BenchReportToJson(const BenchReport& report) {
  nlohmann::json timeline = nlohmann::json::array();
  for (size_t second = 0; second < report.timeline.size(); ++second) {
    const TimelineSecond& entry = report.timeline[second];
    timeline.push_back({{"second", second},
                        {"offered", entry.offered},
                        {"settled", entry.settled},
                        {"errors", entry.errors}});
  }
  nlohmann::json json = {
      {"settled_tps", report.settled_tps},
      {"offered_tps", report.offered_tps},
      {"latency_us", LatencyJson(report.latency)},
      {"rejected", report.rejected},
      {"errors", report.errors},
      {"mode", report.mode},
      {"rate", report.rate},
      {"concurrency", report.concurrency},
      {"validators", report.validators},
      {"accounts", report.accounts},
      {"warmup_s", report.warmup_s},
      {"duration_s", report.duration_s},
      {"offered", report.offered},
      {"settled", report.settled},
      {"retries", report.retries},
      {"duplicates", report.duplicates},
      {"failed", report.failed},
      {"unfinished", report.unfinished},
      {"transfers_exhausted", report.transfers_exhausted},
      {"setup",
       {{"funding_s", report.funding_s},
        {"signing_s", report.signing_s},
        {"transfers_presigned", report.transfers_presigned}}},
      {"timeline", timeline},
      {"stages_us", StagesJson(report.stages)},
      {"stages_nodes", report.stages_nodes},
  };
  if (!report.stages_note.empty()) json["stages_note"] = report.stages_note;
  // nlohmann turns an empty std::map into null; keep these objects.
  if (report.rejected.empty()) json["rejected"] = nlohmann::json::object();
  if (report.errors.empty()) json["errors"] = nlohmann::json::object();
  json["leader_kill"] = report.leader_kill ? LeaderKillJson(*report.leader_kill) : nullptr;
  if (report.cpu) {
    json["cpu_percent"] = {{"client", report.cpu->client_percent},
                           {"nodes", report.cpu->node_percent}};
  } else {
    json["cpu_percent"] = nullptr;
  }
  return json;
}

std::string BenchReportToText(const BenchReport& report) {
  const std::string load = report.mode == "open"
                               ? StrCat("open loop at ", report.rate, " transfers/s")
                               : StrCat("closed loop, ", report.concurrency, " in flight");
  std::string text = StrCat("remit bench: ", load, ", ", report.validators,
                            report.validators == 1 ? " validator, " : " validators, ",
                            report.accounts, " accounts, ", Seconds(report.duration_s),
                            " measured after ", Seconds(report.warmup_s), " warmup");
  text += fmt::format("\n  offered    {:.0f} transfers/s", report.offered_tps);
  text += fmt::format("\n  settled    {:.0f} transfers/s ({} transfers)", report.settled_tps,
                      report.settled);
  const LatencySummary& latency = report.latency;
  text += StrCat("\n  latency    p50 ", FormatUsAsMs(latency.p50_us), "  p90 ",
                 FormatUsAsMs(latency.p90_us), "  p99 ", FormatUsAsMs(latency.p99_us), "  p99.9 ",
                 FormatUsAsMs(latency.p999_us), "  max ", FormatUsAsMs(latency.max_us));
  text += StrCat("\n  rejected   ", CountsText(report.rejected));
  text += StrCat("\n  errors     ", CountsText(report.errors), " (retried ", report.retries,
                 ", gave up ", report.failed, ", unfinished ", report.unfinished, ")");
  if (report.cpu) {
    text += fmt::format("\n  cpu        client {:.0f}%", report.cpu->client_percent);
    for (size_t i = 0; i < report.cpu->node_percent.size(); ++i) {
      text += fmt::format("  node{} {:.0f}%", i, report.cpu->node_percent[i]);
    }
    text += " (of one core)";
  }
  text += StagesText(report);
  if (report.leader_kill) text += KillText(*report.leader_kill);
  if (report.transfers_exhausted) {
    text += "\n  note       every pre-signed transfer was sent before the end; raise --transfers";
  }
  return text;
}

}  // namespace remit::bench
