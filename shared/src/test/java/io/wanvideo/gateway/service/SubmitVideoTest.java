package io.wanvideo.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.auth.Caller;
import io.wanvideo.gateway.auth.TenantPolicy;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.sqs.SqsTaskQueue;
import io.wanvideo.gateway.schedule.FixedGenerationTime;
import io.wanvideo.gateway.schedule.LogNormal;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.SettableClock;
import io.wanvideo.gateway.validation.VideoRequestValidator;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Submission against DynamoDB Local and ElasticMQ, with a clock that moves on every reading. */
class SubmitVideoTest {

    @Test
    void aTasksIdCarriesItsSubmissionTimeSoIdsSortAsTasksQueue() throws Exception {
        // The backlog orders by submission time, ties by id: if the id took a reading of its own, two submissions a
        // moment apart could queue in one order and sort by id in the other.
        LocalAws aws = LocalAws.get();
        Clock clock = SettableClock.ticking(1_795_265_679_000L);
        DynamoTaskStore store = new DynamoTaskStore(aws.dynamo(), aws.newTable(), Duration.ofDays(1), clock);
        SubmitVideo submit = new SubmitVideo(new VideoRequestValidator(true, url -> Optional.empty(), 350_000), store,
                new SqsTaskQueue(aws.sqs(), aws.newQueues(3, 2).pollQueueUrl()), StoredInputs.NONE,
                new VideoViews(new FixedGenerationTime(new LogNormal(60, 0.3)), ResultLinks.NONE, Duration.ofDays(7), clock),
                clock);
        Caller caller = new Caller("t", new TenantPolicy(1000, 1000, 1.0, null));
        for (int i = 0; i < 3; i++) {
            String id = submit.submit(caller, Json.tree("{\"model\":\"wan2.7-r2v\",\"prompt\":\"task " + i + "\","
                    + "\"media\":[{\"type\":\"reference_image\",\"url\":\"https://example.com/a.png\"}]}"), null).video().id();
            VideoTask task = store.find(id).orElseThrow();
            assertThat(TaskIds.timeOf(id)).as(id).isEqualTo(task.createdMs());
        }
    }
}
