#!/usr/bin/env node
import '../dist/kubespy.mjs';
