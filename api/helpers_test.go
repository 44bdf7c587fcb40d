package api_test

import "github.com/gongjian/gongjian/repository/repotest"

func engines() []string { return repotest.Engines() }
