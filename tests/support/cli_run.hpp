#pragma once
// Runs the real `hotline` binary (HOTLINE_BIN) as an operator would.

#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <utility>

namespace hotline::test {

/// `hotline <arguments>`: its exit status and everything it printed.
inline std::pair<int, std::string> hotline_cli(const std::string& binary, const std::string& arguments) {
  std::string output;
  FILE* pipe = ::popen((binary + " " + arguments + " 2>&1").c_str(), "r");
  if (!pipe) return {-1, ""};
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace hotline::test
