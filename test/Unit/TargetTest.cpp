//===- TargetTest.cpp - placeholder replaced by the unit-test author ------===//
#include "imc/Hardware/Target.h"
#include <gtest/gtest.h>
TEST(Target, Placeholder) { SUCCEED(); }
