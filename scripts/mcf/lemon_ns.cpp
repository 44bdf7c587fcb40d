// lemon_ns reads a DIMACS min-cost flow file with LEMON's DIMACS reader,
// solves it with lemon::NetworkSimplex (default block-search pivot rule)
// and prints the optimal cost and the solve time, parsing excluded, in the
// same "s" / "c solve_ms" / "c solve_cpu_ms" lines as `gongjian mcf`.
//
//   g++ -O2 -o lemon_ns lemon_ns.cpp && ./lemon_ns FILE   (the LEMON parts used are header-only)
#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <lemon/dimacs.h>
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: lemon_ns FILE\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "lemon_ns: cannot open " << argv[1] << "\n";
    return 1;
  }

  typedef lemon::SmartDigraph Graph;
  typedef long long Value;
  Graph g;
  Graph::ArcMap<Value> lower(g), capacity(g), cost(g);
  Graph::NodeMap<Value> supply(g);
  lemon::readDimacsMin(in, g, lower, capacity, cost, supply);

  auto start = std::chrono::steady_clock::now();
  std::clock_t cpu_start = std::clock();
  lemon::NetworkSimplex<Graph, Value, Value> ns(g);
  ns.lowerMap(lower).upperMap(capacity).costMap(cost).supplyMap(supply);
  lemon::NetworkSimplex<Graph, Value, Value>::ProblemType result = ns.run();
  auto stop = std::chrono::steady_clock::now();
  double ms = std::chrono::duration<double, std::milli>(stop - start).count();
  double cpu_ms = 1000.0 * double(std::clock() - cpu_start) / CLOCKS_PER_SEC;

  switch (result) {
    case lemon::NetworkSimplex<Graph, Value, Value>::OPTIMAL:
      std::printf("s %lld\n", ns.totalCost<Value>());
      break;
    case lemon::NetworkSimplex<Graph, Value, Value>::INFEASIBLE:
      std::printf("s INFEASIBLE\n");
      break;
    case lemon::NetworkSimplex<Graph, Value, Value>::UNBOUNDED:
      std::printf("s UNBOUNDED\n");
      break;
  }
  std::printf("c solve_ms %.3f\n", ms);
  std::printf("c solve_cpu_ms %.3f\n", cpu_ms);
  return 0;
}
