// C++: iostream, exceptions, RTTI, std::thread, mutex/condition_variable,
// containers and algorithms. Built dynamically (libstdc++.so, libgcc_s.so).
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

struct Base {
    virtual ~Base() = default;
    virtual std::string name() const { return "Base"; }
};
struct Derived : Base {
    std::string name() const override { return "Derived"; }
};

struct MyError : std::runtime_error {
    int code;
    MyError(const std::string &m, int c) : std::runtime_error(m), code(c) {}
};

static int deep(int n)
{
    if (n == 0)
        throw MyError("from the bottom", 42);
    return deep(n - 1) + 1;
}

static int destroyed = 0;
struct Guard {
    ~Guard() { destroyed++; }
};

int main()
{
    std::cout << "hello from C++" << std::endl;
    std::cout << "int " << 42 << " double " << 3.5 << " hex " << std::hex << 255 << std::dec << std::endl;

    // exceptions through several frames, with destructors run during unwinding
    try {
        Guard g1;
        {
            Guard g2;
            deep(20);
        }
    } catch (const MyError &e) {
        std::cout << "caught MyError: " << e.what() << " code=" << e.code << " destroyed=" << destroyed << std::endl;
    }
    try {
        std::vector<int> v(3);
        v.at(10) = 1;
    } catch (const std::out_of_range &) {
        std::cout << "caught out_of_range" << std::endl;
    }
    try {
        throw 7;
    } catch (int x) {
        std::cout << "caught int " << x << std::endl;
    }

    // RTTI and virtual dispatch
    std::unique_ptr<Base> b = std::make_unique<Derived>();
    std::cout << "virtual: " << b->name() << ", dynamic_cast ok: " << (dynamic_cast<Derived *>(b.get()) != nullptr)
              << std::endl;

    // containers and algorithms
    std::vector<int> v(100);
    std::iota(v.begin(), v.end(), 1);
    std::cout << "sum 1..100 = " << std::accumulate(v.begin(), v.end(), 0) << std::endl;
    std::map<std::string, int> m{{"b", 2}, {"a", 1}, {"c", 3}};
    for (auto &kv : m)
        std::cout << kv.first << "=" << kv.second << " ";
    std::cout << std::endl;
    std::vector<std::string> words{"pear", "apple", "fig"};
    std::sort(words.begin(), words.end());
    std::ostringstream os;
    for (auto &w : words)
        os << w << ",";
    std::cout << "sorted: " << os.str() << std::endl;

    // threads: a counter under a mutex, and a producer/consumer with a condition variable
    std::mutex mu;
    long counter = 0;
    std::vector<std::thread> ts;
    for (int t = 0; t < 4; t++)
        ts.emplace_back([&] {
            for (int i = 0; i < 10000; i++) {
                std::lock_guard<std::mutex> l(mu);
                counter++;
            }
        });
    for (auto &t : ts)
        t.join();
    std::cout << "counter: " << counter << std::endl;

    std::condition_variable cv;
    std::vector<int> queue;
    bool done = false;
    long consumed = 0;
    std::thread consumer([&] {
        std::unique_lock<std::mutex> l(mu);
        for (;;) {
            cv.wait(l, [&] { return !queue.empty() || done; });
            while (!queue.empty()) {
                consumed += queue.back();
                queue.pop_back();
            }
            if (done)
                break;
        }
    });
    for (int i = 1; i <= 1000; i++) {
        std::lock_guard<std::mutex> l(mu);
        queue.push_back(i);
        cv.notify_one();
    }
    {
        std::lock_guard<std::mutex> l(mu);
        done = true;
    }
    cv.notify_one();
    consumer.join();
    std::cout << "consumed: " << consumed << std::endl;

    // an exception thrown in a thread, caught there
    std::atomic<int> caught{0};
    std::thread thrower([&] {
        try {
            throw std::runtime_error("in thread");
        } catch (const std::exception &e) {
            caught = std::string(e.what()) == "in thread";
        }
    });
    thrower.join();
    std::cout << "exception in thread caught: " << caught << std::endl;

    // file streams
    {
        std::ofstream out("cxx.txt");
        out << "line one\nline two\n";
    }
    std::ifstream in("cxx.txt");
    std::string line;
    int lines = 0;
    while (std::getline(in, line))
        lines++;
    std::cout << "lines read back: " << lines << std::endl;
    std::cerr << "to cerr" << std::endl;
    return 0;
}
